import { PlatformError } from '@core/errors/platform-error';

/**
 * A link Omnihub will not hand to a platform to fetch (see PublicLinkGuard). Permanent: the
 * same link is refused on every attempt, so the send fails at once instead of retrying.
 * A PlatformError so the outbound worker fails the message like any other permanent refusal,
 * under its own stable code rather than the generic PLATFORM.REJECTED.
 */
export class LinkRefusedError extends PlatformError {
  static readonly CODE = 'MEDIA.LINK_REFUSED';
  override readonly code = LinkRefusedError.CODE;

  constructor(call: { hub: string; operation: string }, why: string) {
    super(call.hub, call.operation, 'rejected', `${call.hub} ${call.operation}: ${why}`, {
      retryable: false,
    });
  }
}
