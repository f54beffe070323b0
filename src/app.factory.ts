import { Type, ValidationPipe, VersioningType } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { Logger } from 'nestjs-pino';
import { AppConfig } from '@config/app-config';
import { useFormBodyParser } from '@core/api/form-body-parser';
import { useJsonBodyParser } from '@core/api/json-body-parser';
import { useLeanAsyncResourceBind } from '@core/context/lean-async-resource-bind';
import { RequestInputPipe } from '@core/api/request-input.pipe';
import { useValidationMetadataCache } from '@core/api/validation-metadata-cache';
import { answerFrameworkError } from '@core/errors/send-problem';
import { validationExceptionFactory } from '@core/errors/validation-exception.factory';
import { requestIdFor } from '@core/observability/correlation-id';
import { AppModule } from './app.module';
import { setupSwagger } from './swagger';

/**
 * Builds the application exactly as production runs it; `main.ts` listens on it, tests
 * drive it with `inject()`. Nothing here differs between the two.
 */
export async function createApp(
  config: AppConfig,
  extraModules: Type[] = [],
): Promise<NestFastifyApplication> {
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.forConfig(config, extraModules),
    fastifyAdapter(config),
    { bufferLogs: true, bodyParser: false },
  );
  configureApp(app, config);
  return app;
}

/**
 * The Fastify adapter production runs on. Without @fastify/middie: the app has no Nest
 * middleware (request logging is a Fastify hook, RequestLogHook), and middie's hook would
 * still run on every request.
 */
export function fastifyAdapter(config: AppConfig): FastifyAdapter {
  return new FastifyAdapter({
    bodyLimit: config.http.bodyLimitBytes,
    genReqId: requestIdFor,
    trustProxy: config.http.trustProxy,
    return503OnClosing: true,
    frameworkErrors: answerFrameworkError,
    skipMiddie: true,
  });
}

/**
 * Everything the app needs around its modules (logger, body parser, prefix, versioning, pipes,
 * docs); separate so a test that compiles the module with a provider swapped (an HTTP agent
 * trusting a test certificate) serves the same app.
 */
export function configureApp(app: NestFastifyApplication, config: AppConfig): void {
  app.useLogger(app.get(Logger));
  // Fastify and Nest bind callbacks to the request's async context on every request.
  useLeanAsyncResourceBind();

  useJsonBodyParser(app.getHttpAdapter().getInstance());
  // Bitrix24 posts its events as PHP-style forms; nothing else may send a form.
  useFormBodyParser(app.getHttpAdapter().getInstance(), ['/webhooks/bitrix24/']);

  // Platforms' webhooks stay at /webhooks/<platform>/... (named one by one: /api/v2/webhooks
  // is the tenants' own webhook subscriptions, which a `webhooks/{*path}` exclusion swallowed).
  app.setGlobalPrefix('api', {
    exclude: [
      'health/live',
      'health/ready',
      'health/hubs',
      'metrics',
      'webhooks/meta{/*path}',
      'webhooks/evolution{/*path}',
      'webhooks/tiktok{/*path}',
      'webhooks/bitrix24{/*path}',
      'webhooks/google-calendar{/*path}',
    ],
  });
  app.enableVersioning({ type: VersioningType.URI });
  useValidationMetadataCache();
  app.useGlobalPipes(
    new RequestInputPipe(),
    new ValidationPipe({
      whitelist: true,
      forbidNonWhitelisted: true,
      transform: true,
      exceptionFactory: validationExceptionFactory,
    }),
  );
  app.enableShutdownHooks();
  if (config.http.swaggerEnabled) setupSwagger(app, config);
}
