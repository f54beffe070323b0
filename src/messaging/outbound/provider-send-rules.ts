import type { MessagingProvider } from '@core/channel/channel-provider';
import type { ContactIdentity } from '@core/channel/messaging-rules';
import type { OutboundContent } from '@core/channel/outbound-message';
import { DomainError, ValidationFailedError } from '@core/errors/domain-error';
import { kindsAskedBy } from './outbound-content';
import type { RequestedContent } from './send-message.command';

/**
 * The account's provider's say on a send, asked before anything is stored. Every platform
 * decision (what it takes, what it refuses, how it names people) is the provider's: this file
 * only turns its answers into the API's errors, each naming the request field at fault.
 */

/** 422 naming the field when the provider does not take a type or feature the send asks for. */
export function assertProviderTakes(provider: MessagingProvider, request: RequestedContent): void {
  const missing = kindsAskedBy(request).find(({ kind }) => !provider.capabilities.has(kind));
  if (!missing) return;
  const [code, what] =
    missing.field === 'type'
      ? ['MESSAGE.TYPE_NOT_SUPPORTED', `${missing.kind} messages`]
      : ['MESSAGE.FEATURE_NOT_SUPPORTED', missing.kind];
  const message = `${provider.provider} cannot send ${what}`;
  throw new DomainError(code, 'unprocessable', message, {
    errors: [{ field: missing.field, message }],
  });
}

/** 400 naming each field the platform would refuse (its limits, its required parts). */
export function assertContentAllowed(provider: MessagingProvider, content: OutboundContent): void {
  const violations = provider.rules.contentViolations(content);
  if (violations.length > 0) throw new ValidationFailedError([...violations]);
}

/** The identities the recipient stands for on this platform; 400 naming `to` when none. */
export function recipientIdentities(
  provider: MessagingProvider,
  to: string,
): readonly ContactIdentity[] {
  const identities = provider.rules.recipientIdentities(to);
  if (!identities?.length) {
    throw new ValidationFailedError([
      { field: 'to', message: `to is not an address ${provider.provider} can send to` },
    ]);
  }
  return identities;
}
