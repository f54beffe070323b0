import { Test, TestingModule } from '@nestjs/testing';
import { ConfigModule } from '@config/config.module';
import { PlatformHttpModule } from '@core/http/http.module';
import { PlatformCall } from '@core/http/platform-call';
import { PlatformHttpClient } from '@core/http/platform-http.client';
import { FakeHttpServer } from '@test/fakes/fake-http-server';
import { testConfig } from '@test/support/test-app';

/** The client as the app wires it: config plus PlatformHttpModule, nothing stubbed. */
export async function bootHttpClient(
  env: Record<string, string> = {},
): Promise<{ moduleRef: TestingModule; client: PlatformHttpClient }> {
  const moduleRef = await Test.createTestingModule({
    imports: [ConfigModule.forConfig(testConfig(env)), PlatformHttpModule],
  }).compile();
  await moduleRef.init();
  return { moduleRef, client: moduleRef.get(PlatformHttpClient) };
}

/** A WhatsApp-like send to the fake, any field overridden. */
export function sendCall(
  fake: FakeHttpServer,
  operation: string,
  extra: Partial<PlatformCall> = {},
): PlatformCall {
  return {
    hub: 'whatsapp',
    operation,
    baseUrl: `${fake.url}/v21.0`,
    method: 'POST',
    path: '/1234/messages',
    json: { to: '15550001', type: 'text' },
    ...extra,
  } as PlatformCall;
}

export { failureOf } from '@test/support/platform-failure';
