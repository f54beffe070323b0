import { AppConfig } from '@config/app-config';
import { Module } from '@nestjs/common';
import { LoggerModule as PinoLoggerModule } from 'nestjs-pino';
import pinoHttp from 'pino-http';
import { loggerOptions } from './logger-options';
import { HTTP_LOGGER, RequestLogHook } from './request-log.hook';

/**
 * Structured JSON logs (pino). Every line written while serving a request carries its
 * `reqId` (the X-Request-Id), every value on the redaction list is censored, and errors keep
 * no payload data (loggerOptions). The request's logger comes from RequestLogHook, a Fastify
 * hook: nestjs-pino registers no middleware (`forRoutes: []`) and uses the logger it finds
 * (`useExisting`).
 */
@Module({
  imports: [
    PinoLoggerModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({
        forRoutes: [],
        useExisting: true,
        pinoHttp: loggerOptions(config.log.level),
      }),
    }),
  ],
  providers: [
    {
      provide: HTTP_LOGGER,
      inject: [AppConfig],
      useFactory: (config: AppConfig) => pinoHttp(loggerOptions(config.log.level)),
    },
    RequestLogHook,
  ],
})
export class LoggerModule {}
