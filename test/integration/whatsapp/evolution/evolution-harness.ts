import { Test, TestingModule } from '@nestjs/testing';
import { ConfigModule } from '@config/config.module';
import { ChannelModule } from '@core/channel/channel.module';
import { HostResolver } from '@core/http/host-resolver';
import { PlatformHttpModule } from '@core/http/http.module';
import type { EvolutionAccount } from '@app/whatsapp/evolution/evolution.credentials';
import { EvolutionModule } from '@app/whatsapp/evolution/evolution.module';
import {
  EvolutionFake,
  EvolutionFakeOptions,
  startEvolutionFake,
} from '@test/fakes/evolution/evolution-fake';
import { StaticHostResolver } from '@test/support/static-host-resolver';
import { testConfig } from '@test/support/test-app';

export const GLOBAL_KEY = 'B6D711FCDE4D4FD5936544120E713976';
export const SHOP = { name: 'loja-centro', token: '429683C4C977415CAAFCCE10F7D57E11' };
export const CLINIC = { name: 'clinica-sul', token: '0417A7D6E3B04C5F9D4F3E6C2B1A0F99' };

/** Our channel account for an instance (credentials as they come out of the database). */
export function accountFor(
  fake: EvolutionFake,
  instance: { name: string; token: string },
  override: Partial<EvolutionAccount['credentials']> = {},
): EvolutionAccount {
  return {
    id: `acc-${instance.name}`,
    tenantId: 'tenant-1',
    hub: 'whatsapp',
    provider: 'evolution',
    externalId: instance.name,
    credentials: { baseUrl: fake.baseUrl, apiKey: instance.token, ...override },
  };
}

/** The fake Evolution server and EvolutionModule wired the way the app wires them. */
export async function startEvolution(options: Partial<EvolutionFakeOptions> = {}): Promise<{
  fake: EvolutionFake;
  moduleRef: TestingModule;
  /** What media link hosts resolve to (see StaticHostResolver). */
  hosts: StaticHostResolver;
  close: () => Promise<void>;
}> {
  const hosts = new StaticHostResolver();
  const fake = await startEvolutionFake({
    globalApiKey: GLOBAL_KEY,
    instances: [SHOP, { ...CLINIC, state: 'close' }],
    ...options,
  });
  const moduleRef = await Test.createTestingModule({
    imports: [
      ConfigModule.forConfig(testConfig({ HTTP_TIMEOUT_MS: '1000' })),
      PlatformHttpModule,
      ChannelModule,
      EvolutionModule,
    ],
  })
    .overrideProvider(HostResolver)
    .useValue(hosts)
    .compile();
  await moduleRef.init();
  return {
    fake,
    moduleRef,
    hosts,
    close: async () => {
      await moduleRef.close();
      await fake.close();
    },
  };
}

export { failureOf } from '@test/support/platform-failure';
