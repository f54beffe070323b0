import { Test } from '@nestjs/testing';
import type { Type } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { configureApp, fastifyAdapter } from '@app/app.factory';
import { AppModule } from '@app/app.module';
import { withReceiverNetwork } from '@test/support/receiver-network';
import { testConfig } from '@test/support/test-app';

/**
 * The production app (workers and event stream running) reaching the Slack- and Discord-shaped
 * receiver fakes through its guarded agent (see withReceiverNetwork). The address guard lets
 * those hosts through because they are listed in OUTBOUND_URL_ALLOWLIST, as an operator would.
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
  const { builder } = withReceiverNetwork(
    Test.createTestingModule({ imports: [AppModule.forConfig(config, extraModules)] }),
  );
  const moduleRef = await builder.compile();
  const app = moduleRef.createNestApplication<NestFastifyApplication>(fastifyAdapter(config), {
    bufferLogs: true,
    bodyParser: false,
  });
  configureApp(app, config);
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  return app;
}
