import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppConfig } from '@config/app-config';
import { ProblemDetailsDoc } from '@core/api/api-problems.decorator';
import { DirectRoutes } from '@core/api/direct-routes';
import { guardDocs } from './docs-access';

/**
 * Swagger UI at /api/docs, the OpenAPI document at /api/docs-json; behind DOCS_TOKEN when
 * one is set.
 */
export function setupSwagger(app: NestFastifyApplication, config: AppConfig): void {
  if (config.http.docsToken) guardDocs(app.getHttpAdapter().getInstance(), config.http.docsToken);
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Omnihub API')
      .setDescription(
        'One API in front of WhatsApp, Instagram, Google Calendar and Bitrix24. Errors are ' +
          '`application/problem+json` with a stable `code`, per-field `errors[]` and the `traceId` ' +
          '(also sent as `X-Request-Id`). Tenant routes take an API key (`Authorization: Bearer ohk_...` ' +
          'or `X-Api-Key`) or a JWT carrying the tenant claim; ops routes take the admin key.',
      )
      .setVersion('2')
      .addServer(config.http.publicBaseUrl)
      .addBearerAuth(
        { type: 'http', scheme: 'bearer', description: 'API key (ohk_...) or JWT' },
        'bearer',
      )
      .addApiKey({ type: 'apiKey', in: 'header', name: 'X-Api-Key' }, 'api-key')
      .build(),
    { extraModels: [ProblemDetailsDoc] },
  );
  app.get(DirectRoutes).document(document);
  SwaggerModule.setup('api/docs', app, document, {
    jsonDocumentUrl: 'api/docs-json',
    swaggerOptions: { persistAuthorization: true },
  });
}
