import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { register } from 'prom-client';
import { configureApp, fastifyAdapter } from '@app/app.factory';
import { AppModule } from '@app/app.module';
import { withReceiverNetwork } from './receiver-network';
import { testConfig } from './test-app';

/**
 * The production app with its guarded HTTPS agent pointed at the test receivers (see
 * withReceiverNetwork), so HTTPS fakes (a CDN, a tenant's webhook receiver) stand where public
 * hosts would. Every `*.receiver.test` name the suite lists in OUTBOUND_URL_ALLOWLIST, as an
 * operator would, resolves to 127.0.0.1; the address guard and its pinning still apply.
 */
export async function createTrustingTestApp(
  env: Record<string, string>,
): Promise<NestFastifyApplication> {
  register.resetMetrics();
  const config = testConfig(env);
  const { builder, hosts } = withReceiverNetwork(
    Test.createTestingModule({ imports: [AppModule.forConfig(config)] }),
  );
  for (const host of (env.OUTBOUND_URL_ALLOWLIST ?? '').split(',')) {
    if (host.endsWith('.receiver.test')) hosts.set(host.trim(), ['127.0.0.1']);
  }
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
