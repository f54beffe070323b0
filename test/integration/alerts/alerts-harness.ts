import { Test } from '@nestjs/testing';
import type { Type } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { lookup } from 'node:dns';
import { Agent } from 'undici';
import { configureApp, fastifyAdapter } from '@app/app.factory';
import { AppModule } from '@app/app.module';
import { HTTP_DISPATCHER } from '@core/http/http-agent';
import { RECEIVER_CA } from '@test/fakes/webhook-receiver/webhook-receiver';
import { testConfig } from '@test/support/test-app';

/**
 * The production app (workers and event stream running) with one outside thing swapped: the
 * HTTP agent trusts the receivers' test certificate and connects `*.receiver.test` (the Slack-
 * and Discord-shaped fakes) to 127.0.0.1. The address guard lets those hosts through because
 * they are listed in OUTBOUND_URL_ALLOWLIST, as an operator would.
 */
export async function createAlertsTestApp(
  env: Record<string, string>,
  extraModules: Type[] = [],
): Promise<NestFastifyApplication> {
  const config = testConfig({
    APP_ROLE: 'all',
    OUTBOUND_URL_ALLOWLIST: 'slack.receiver.test,discord.receiver.test',
    // Every suite of a jest run shares one Redis prefix, so the cluster-wide queue and hub
    // checks see the other suites' traffic (a calendar suite's failures, say) and would send
    // their alerts to this suite's receivers. Only a suite that tests them turns them on.
    ALERTS_MIN_CALLS: '1000000',
    ALERTS_QUEUE_BACKLOG_THRESHOLD: '1000000',
    ...env,
  });
  const agent = new Agent({
    connect: {
      ca: RECEIVER_CA,
      timeout: config.outboundHttp.timeoutMs,
      lookup: (host, options, callback) =>
        lookup(/(^|\.)receiver\.test$/.test(host) ? '127.0.0.1' : host, options, callback),
    },
  });
  const moduleRef = await Test.createTestingModule({
    imports: [AppModule.forConfig(config, extraModules)],
  })
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
