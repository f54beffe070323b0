import { Test } from '@nestjs/testing';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { lookup } from 'node:dns';
import { register } from 'prom-client';
import { Agent } from 'undici';
import { configureApp, fastifyAdapter } from '@app/app.factory';
import { AppModule } from '@app/app.module';
import { HostResolver } from '@core/http/host-resolver';
import { HTTP_DISPATCHER } from '@core/http/http-agent';
import { RECEIVER_CA } from '@test/fakes/webhook-receiver/webhook-receiver';
import { StaticHostResolver } from '@test/support/static-host-resolver';
import { testConfig } from '@test/support/test-app';

/**
 * The production app with two outside things swapped: the HTTP agent trusts the receiver
 * fake's certificate and connects `*.receiver.test` to 127.0.0.1 (a tenant's receiver on its
 * own host name), and DNS for the address guard is a fixed table.
 */
export async function createWebhooksTestApp(
  env: Record<string, string>,
): Promise<{ app: NestFastifyApplication; hosts: StaticHostResolver }> {
  register.resetMetrics();
  const config = testConfig(env);
  const hosts = new StaticHostResolver();
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
    .overrideProvider(HostResolver)
    .useValue(hosts)
    .compile();
  const app = moduleRef.createNestApplication<NestFastifyApplication>(fastifyAdapter(config), {
    bufferLogs: true,
    bodyParser: false,
  });
  configureApp(app, config);
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  return { app, hosts };
}
