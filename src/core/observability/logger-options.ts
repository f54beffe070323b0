import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Options } from 'pino-http';
import { serializeError } from './error-serializer';
import { REDACT_CENSOR, REDACT_PATHS } from './redaction';

const QUIET_ROUTES = ['/health/live', '/health/ready', '/metrics'];

/**
 * pino-http's options: JSON lines at `level`, every value on the redaction list censored,
 * errors serialized without the data they carry (serializeError), requests by path only.
 */
export function loggerOptions(level: string): Options {
  return {
    level,
    redact: { paths: REDACT_PATHS, censor: REDACT_CENSOR },
    genReqId: (req: IncomingMessage) => (req as IncomingMessage & { id: string }).id,
    autoLogging: { ignore: (req: IncomingMessage) => QUIET_ROUTES.includes(pathOf(req)) },
    customLogLevel: (_req: IncomingMessage, res: ServerResponse, err?: Error) =>
      err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info',
    serializers: {
      // Query strings can carry tokens (e.g. hub.verify_token); log the path only.
      req: (req: { id: string; method: string; url: string }) => ({
        id: req.id,
        method: req.method,
        path: req.url.split('?')[0],
      }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      err: serializeError,
    },
  };
}

function pathOf(req: IncomingMessage): string {
  return (req.url ?? '').split('?')[0];
}
