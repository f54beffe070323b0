import { PlatformError } from '@core/errors/platform-error';
import type { PlatformErrorMapper } from '@core/http/platform-call';

/** Evolution's error body: `{ status, error, response: { message } }` (src/main.ts there). */
interface EvolutionErrorBody {
  error?: string;
  /** A string, or a list of strings and objects (validation errors, number checks). */
  messages: unknown[];
}

/**
 * Reads Evolution API's error answers into PlatformErrors. Evolution's own status codes carry
 * most of the meaning (401 bad apikey, 404 unknown instance, 400 validation), with refinements
 * read from the body:
 * - a number check that failed (`[{ exists: false, jid, number }]`) is a permanent
 *   'rejected' with code NUMBER_NOT_ON_WHATSAPP;
 * - "Connection Closed" means the instance lost its WhatsApp session before sending: retryable
 *   (Evolution reports it as a 400 or a 500 depending on its number cache);
 * - 403 on create means the instance name is taken, not a bad key.
 * The message text is never copied into the error: Evolution echoes numbers and JIDs in it.
 */
export const mapEvolutionError: PlatformErrorMapper = (response, generic) => {
  const { hub, operation, status } = response;
  const body = readEvolutionError(response.body);
  const reason = body?.error && /^[A-Za-z ]{1,40}$/.test(body.error) ? ` (${body.error})` : '';
  const refined = refine(operation, status, body);
  const failure = refined?.failure ?? generic.failure;
  return new PlatformError(
    hub,
    operation,
    failure,
    `${hub} ${operation} failed with HTTP ${status}${reason}` +
      (refined ? `: ${refined.title}` : ''),
    {
      status,
      // Evolution has no error codes of its own: only our refinements name one.
      platformCode: refined?.code,
      retryAfterMs: generic.retryAfterMs,
      retryable: refined?.retryable,
    },
  );
};

interface Refinement {
  failure: PlatformError['failure'];
  code: string;
  title: string;
  retryable?: boolean;
}

function refine(
  operation: string,
  status: number,
  body: EvolutionErrorBody | undefined,
): Refinement | undefined {
  const messages = body?.messages ?? [];
  if (status === 400 && messages.some(isFailedNumberCheck)) {
    return {
      failure: 'rejected',
      code: 'NUMBER_NOT_ON_WHATSAPP',
      title: 'the recipient is not on WhatsApp',
    };
  }
  if ((status === 400 || status >= 500) && messages.some(mentionsClosedConnection)) {
    return {
      failure: 'server',
      code: 'CONNECTION_CLOSED',
      title: 'the instance is not connected to WhatsApp',
      retryable: true,
    };
  }
  if (status === 404) {
    return { failure: 'not-found', code: 'INSTANCE_NOT_FOUND', title: 'no such instance' };
  }
  if (status === 403 && operation === 'create_instance') {
    return { failure: 'rejected', code: 'INSTANCE_NAME_IN_USE', title: 'name already in use' };
  }
  return undefined;
}

export function readEvolutionError(body: unknown): EvolutionErrorBody | undefined {
  if (!isRecord(body) || !isRecord(body.response)) return undefined;
  const { message } = body.response;
  const messages = Array.isArray(message) ? (message as unknown[]) : [message];
  return {
    error: typeof body.error === 'string' ? body.error : undefined,
    messages: messages.filter((m) => m !== undefined && m !== null),
  };
}

function isFailedNumberCheck(message: unknown): boolean {
  return isRecord(message) && message.exists === false;
}

function mentionsClosedConnection(message: unknown): boolean {
  return typeof message === 'string' && /connection closed/i.test(message);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
