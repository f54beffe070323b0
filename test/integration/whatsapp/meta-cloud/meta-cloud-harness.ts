import { Test, TestingModule } from '@nestjs/testing';
import { ConfigModule } from '@config/config.module';
import { ChannelModule } from '@core/channel/channel.module';
import { HostResolver } from '@core/http/host-resolver';
import { PlatformHttpModule } from '@core/http/http.module';
import type { MetaCloudAccount } from '@app/whatsapp/meta-cloud/meta-cloud.credentials';
import { MetaCloudModule } from '@app/whatsapp/meta-cloud/meta-cloud.module';
import {
  MetaGraphFake,
  MetaGraphFakeAccount,
  MetaGraphFakeOptions,
  startMetaGraphFake,
} from '@test/fakes/meta-graph/meta-graph-fake';
import { StaticHostResolver } from '@test/support/static-host-resolver';
import { testConfig } from '@test/support/test-app';

export const GRAPH_VERSION = 'v23.0';

/** Two numbers of one business, and one of another business, with realistic ids. */
export const SHOP: MetaGraphFakeAccount = {
  phoneNumberId: '106540352242922',
  wabaId: '102290129340398',
  accessToken: 'EAAJB0shopToken7Qk2ZBZCx9ZA',
  verifiedName: 'Loja Exemplo',
  qualityRating: 'GREEN',
};
export const SHOP_SECOND_NUMBER: MetaGraphFakeAccount = {
  ...SHOP,
  phoneNumberId: '106540352242955',
  qualityRating: 'YELLOW',
};
export const CLINIC: MetaGraphFakeAccount = {
  phoneNumberId: '113269274970227',
  wabaId: '119023451234567',
  accessToken: 'EAAJB0clinicTokenP0ZCZBx1',
};

/** Our channel account for a fake account (credentials as they come out of the database). */
export function accountFor(
  fake: MetaGraphFakeAccount,
  override: Partial<MetaCloudAccount['credentials']> = {},
): MetaCloudAccount {
  return {
    id: `acc-${fake.phoneNumberId}`,
    tenantId: 'tenant-1',
    hub: 'whatsapp',
    provider: 'meta-cloud',
    externalId: fake.phoneNumberId,
    credentials: { accessToken: fake.accessToken, wabaId: fake.wabaId, ...override },
  };
}

/** The fake Graph API and MetaCloudModule wired the way the app wires them, nothing stubbed. */
export async function startMetaCloud(
  options: Partial<MetaGraphFakeOptions> = {},
  env: Record<string, string> = {},
): Promise<{
  fake: MetaGraphFake;
  moduleRef: TestingModule;
  /** What media link hosts resolve to (see StaticHostResolver). */
  hosts: StaticHostResolver;
  close: () => Promise<void>;
}> {
  const hosts = new StaticHostResolver();
  const fake = await startMetaGraphFake({
    version: GRAPH_VERSION,
    accounts: [SHOP, SHOP_SECOND_NUMBER, CLINIC],
    ...options,
  });
  const moduleRef = await Test.createTestingModule({
    imports: [
      ConfigModule.forConfig(
        testConfig({
          ...env,
          META_GRAPH_BASE_URL: fake.baseUrl,
          META_GRAPH_API_VERSION: GRAPH_VERSION,
        }),
      ),
      PlatformHttpModule,
      ChannelModule,
      MetaCloudModule,
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
