import { Test } from '@nestjs/testing';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { register } from 'prom-client';
import { configureApp, fastifyAdapter } from '@app/app.factory';
import { AppModule } from '@app/app.module';
import { withReceiverNetwork } from '@test/support/receiver-network';
import type { StaticHostResolver } from '@test/support/static-host-resolver';
import { testConfig } from '@test/support/test-app';

/**
 * The production app reaching the receiver fakes through its guarded agent (see
 * withReceiverNetwork): `*.receiver.test` resolves to 127.0.0.1 through the fixed DNS table
 * `hosts`, which tests may change (a rebinding name), and the agent trusts the fakes'
 * certificate. Platform calls keep the ordinary agent, which cannot reach the receivers.
 */
export async function createWebhooksTestApp(
  env: Record<string, string>,
): Promise<{ app: NestFastifyApplication; hosts: StaticHostResolver }> {
  register.resetMetrics();
  const config = testConfig(env);
  const { builder, hosts } = withReceiverNetwork(
    Test.createTestingModule({ imports: [AppModule.forConfig(config)] }),
  );
  const moduleRef = await builder.compile();
  const app = moduleRef.createNestApplication<NestFastifyApplication>(fastifyAdapter(config), {
    bufferLogs: true,
    bodyParser: false,
  });
  configureApp(app, config);
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  return { app, hosts };
}
