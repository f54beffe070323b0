import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { lookup } from 'node:dns';
import { register } from 'prom-client';
import { Agent } from 'undici';
import { configureApp, fastifyAdapter } from '@app/app.factory';
import { AppModule } from '@app/app.module';
import { HTTP_DISPATCHER } from '@core/http/http-agent';
import { RECEIVER_CA } from '@test/fakes/webhook-receiver/webhook-receiver';
import { testConfig } from './test-app';

/**
 * The production app with one outside thing swapped: its HTTP agent trusts the test
 * receivers' certificate and connects every `*.receiver.test` name to 127.0.0.1, so HTTPS
 * fakes (a CDN, a tenant's webhook receiver) stand where public hosts would. The address
 * guard still applies: a suite lists its hosts in OUTBOUND_URL_ALLOWLIST, as an operator would.
 */
export async function createTrustingTestApp(
  env: Record<string, string>,
): Promise<NestFastifyApplication> {
  register.resetMetrics();
  const config = testConfig(env);
  const agent = new Agent({
    connect: {
      ca: RECEIVER_CA,
      timeout: config.outboundHttp.timeoutMs,
      lookup: (host, options, callback) =>
        lookup(/(^|\.)receiver\.test$/.test(host) ? '127.0.0.1' : host, options, callback),
    },
  });
  const moduleRef = await Test.createTestingModule({ imports: [AppModule.forConfig(config)] })
    .overrideProvider(HTTP_DISPATCHER)
    .useValue(agent)
    .compile();
  const app = moduleRef.createNestApplication<NestFastifyApplication>(fastifyAdapter(config), {
    bufferLogs: true,
    bodyParser: false,
  });
  configureApp(app, config);
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  return app;
}
