import { AppConfig } from '@config/app-config';
import { Module, RequestMethod } from '@nestjs/common';
import { LoggerModule as PinoLoggerModule } from 'nestjs-pino';
import { loggerOptions } from './logger-options';

/**
 * Structured JSON logs (pino). Every line written while serving a request carries its
 * `reqId` (the X-Request-Id), every value on the redaction list is censored, and errors keep
 * no payload data (loggerOptions).
 */
@Module({
  imports: [
    PinoLoggerModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({
        // Named wildcard (path-to-regexp v8 syntax) so Nest does not warn on every boot.
        forRoutes: [{ path: '{*path}', method: RequestMethod.ALL }],
        // Direct routes (DirectRoutes) skip Nest's layers; a line per Meta delivery would cost
        // more CPU than storing it. Their answers are still counted by HttpMetricsHook and their
        // errors logged by the problem filter, with the request id.
        exclude: [{ path: 'webhooks/meta', method: RequestMethod.POST }],
        pinoHttp: loggerOptions(config.log.level),
      }),
    }),
  ],
})
export class LoggerModule {}
