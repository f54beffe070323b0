import { AppConfig } from '@config/app-config';
import { Module, RequestMethod } from '@nestjs/common';
import { LoggerModule as PinoLoggerModule } from 'nestjs-pino';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { REDACT_CENSOR, REDACT_PATHS } from './redaction';

const QUIET_ROUTES = ['/health/live', '/health/ready', '/metrics'];

/**
 * Structured JSON logs (pino). Every line written while serving a request carries its
 * `reqId` (the X-Request-Id), and every value on the redaction list is censored.
 */
@Module({
  imports: [
    PinoLoggerModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({
        // Named wildcard (path-to-regexp v8 syntax) so Nest does not warn on every boot.
        forRoutes: [{ path: '{*path}', method: RequestMethod.ALL }],
        pinoHttp: {
          level: config.log.level,
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
          },
        },
      }),
    }),
  ],
})
export class LoggerModule {}

function pathOf(req: IncomingMessage): string {
  return (req.url ?? '').split('?')[0];
}
