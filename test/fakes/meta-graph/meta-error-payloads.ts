import type { FakeResponse } from '@test/fakes/fake-http-server';
import { fakeTraceId } from './meta-ids';

interface CatalogueEntry {
  status: number;
  message: string;
  /** `error_data.details`: Cloud API (13xxxx) errors carry one, plain Graph errors do not. */
  details?: string;
  subcode?: number;
  type?: string;
  transient?: boolean;
}

/**
 * Meta's error answers as the Cloud API sends them: HTTP status, `(#code) Title` message,
 * `error_data.details` and `fbtrace_id` (see CONTRACT.md for the sources). Throttling codes come
 * on a 400, as Meta's error table lists them; a test wanting the 429 some proxies use scripts
 * `{ status, body }` itself.
 */
export const META_ERRORS: Readonly<Record<number, CatalogueEntry>> = {
  4: { status: 400, message: '(#4) Application request limit reached', transient: true },
  80007: {
    status: 400,
    message:
      '(#80007) There have been too many calls to this WhatsApp Business account. Wait a bit and try again.',
  },
  130429: {
    status: 400,
    message: '(#130429) Rate limit hit',
    details: 'Cloud API message throughput has been reached.',
  },
  131056: {
    status: 400,
    message: '(#131056) (Business Account, Consumer Account) pair rate limit hit',
    details:
      'Message failed to send because there were too many messages sent from this phone number to the same phone number in a short period of time.',
  },
  131048: {
    status: 400,
    message: '(#131048) Spam rate limit hit',
    details:
      'Message failed to send because there are restrictions on how many messages can be sent from this phone number.',
  },
  131026: {
    status: 400,
    message: '(#131026) Message Undeliverable',
    details: 'Message Undeliverable.',
  },
  131047: {
    status: 400,
    message: '(#131047) Re-engagement message',
    details:
      'Message failed to send because more than 24 hours have passed since the customer last replied to this number.',
  },
  131000: {
    status: 500,
    message: '(#131000) Something went wrong',
    details: 'Message failed to send due to an unknown error.',
  },
  131008: {
    status: 400,
    message: '(#131008) Required parameter is missing',
    details: 'The request is missing a required parameter.',
  },
  131009: {
    status: 400,
    message: '(#131009) Parameter value is not valid',
    details: 'One or more parameter values are invalid.',
  },
  132000: {
    status: 400,
    message: '(#132000) Number of parameters does not match the expected number of params',
    details:
      'The number of variable parameter values included in the request did not match the number of variable parameters defined in the template.',
  },
  132001: {
    status: 404,
    message: '(#132001) Template name does not exist in the translation',
    details: 'The template does not exist in the specified language or has not been approved.',
  },
  133010: {
    status: 400,
    message: '(#133010) Account not registered',
    details: 'The phone number is not registered on the WhatsApp Business Platform.',
  },
  190: {
    status: 401,
    message:
      'Error validating access token: Session has expired on Friday, 27-Feb-26 04:00:00 PST.',
    subcode: 463,
  },
  100: { status: 400, message: '(#100) Invalid parameter' },
  368: {
    status: 403,
    message: '(#368) Temporarily blocked for policies violations',
    details:
      'The WhatsApp Business Account associated with the app has been restricted or disabled for violating a platform policy.',
  },
};

/** Meta's answer for `code`, with overrides (an unlisted code gets a plain 400). */
export function metaErrorAnswer(
  code: number,
  overrides: Partial<CatalogueEntry> = {},
): FakeResponse & { status: number } {
  const fallback: CatalogueEntry = { status: 400, message: `(#${code}) Error` };
  const entry = { ...(META_ERRORS[code] ?? fallback), ...overrides };
  return {
    status: entry.status,
    body: {
      error: {
        message: entry.message,
        type: entry.type ?? 'OAuthException',
        code,
        ...(entry.subcode !== undefined ? { error_subcode: entry.subcode } : {}),
        ...(entry.details !== undefined
          ? { error_data: { messaging_product: 'whatsapp', details: entry.details } }
          : {}),
        ...(entry.transient ? { is_transient: true } : {}),
        fbtrace_id: fakeTraceId(),
      },
    },
  };
}

/** A token Meta cannot parse or does not know: 401, code 190, no subcode. */
export const invalidTokenAnswer = () =>
  metaErrorAnswer(190, {
    message: 'Invalid OAuth access token - Cannot parse access token',
    subcode: undefined,
  });

/** A body field Meta rejects: 400, code 100, the offending param named in the details. */
export const invalidParameterAnswer = (details: string) => metaErrorAnswer(100, { details });

/** An id the token may not touch, or that does not exist: Graph's 100/33. */
export const unknownObjectAnswer = (method: string, id: string) =>
  metaErrorAnswer(100, {
    message:
      `Unsupported ${method.toLowerCase()} request. Object with ID '${id}' does not exist, ` +
      'cannot be loaded due to missing permissions, or does not support this operation. ' +
      'Please read the Graph API documentation at https://developers.facebook.com/docs/graph-api',
    type: 'GraphMethodException',
    subcode: 33,
  });
