import { Test, TestingModule } from '@nestjs/testing';
import { ConfigModule } from '@config/config.module';
import { ChannelModule } from '@core/channel/channel.module';
import { HostResolver } from '@core/http/host-resolver';
import { PlatformHttpModule } from '@core/http/http.module';
import { instagramGraphClients } from '@app/instagram/graph/instagram-graph';
import { InstagramOwnership } from '@app/instagram/graph/instagram-ownership';
import { InstagramProvider } from '@app/instagram/graph/instagram.provider';
import { InstagramCdnClient } from '@app/instagram/media/instagram-cdn.client';
import type {
  InstagramAccount,
  InstagramCredentials,
} from '@app/instagram/graph/instagram.credentials';
import {
  InstagramFakeAccount,
  InstagramGraphFake,
} from '@test/fakes/instagram/instagram-graph-fake';
import {
  INSTAGRAM_GRAPH_VERSION,
  fakeInstagramAccount,
  startInstagramGraphFakes,
} from '@test/support/instagram-scenario';
import { StaticHostResolver } from '@test/support/static-host-resolver';
import { testConfig } from '@test/support/test-app';

export const GRAPH_VERSION = INSTAGRAM_GRAPH_VERSION;

/** An account reached both ways: its own Instagram token, and the Page it is linked to. */
export const SHOP = fakeInstagramAccount('001', 'loja.exemplo');
export const CLINIC = fakeInstagramAccount('002', 'clinica.sorriso');

export const PERSON_IGSID = '6543210987654321';

/** Our channel account for a fake account, on either road. */
export function accountFor(
  fake: InstagramFakeAccount,
  flavour: InstagramCredentials['flavour'] = 'instagram-login',
  override: Partial<InstagramCredentials> = {},
): InstagramAccount {
  return {
    id: `acc-${fake.igId}-${flavour}`,
    tenantId: 'tenant-1',
    hub: 'instagram',
    provider: 'meta-instagram',
    externalId: fake.igId,
    credentials:
      flavour === 'instagram-login'
        ? { flavour, accessToken: fake.instagramToken, ...override }
        : { flavour, accessToken: fake.pageToken!, pageId: fake.pageId, ...override },
  };
}

/** Both of Meta's hosts faked and the Instagram provider wired as the app wires it. */
export async function startInstagram(env: Record<string, string> = {}): Promise<{
  instagram: InstagramGraphFake;
  facebook: InstagramGraphFake;
  moduleRef: TestingModule;
  hosts: StaticHostResolver;
  close: () => Promise<void>;
}> {
  const hosts = new StaticHostResolver();
  const users = [{ igsid: PERSON_IGSID, name: 'Ana Souza', username: 'ana.souza' }];
  const { instagram, facebook } = await startInstagramGraphFakes({
    accounts: [SHOP, CLINIC],
    users,
  });
  const moduleRef = await Test.createTestingModule({
    imports: [
      ConfigModule.forConfig(
        testConfig({
          ...env,
          INSTAGRAM_GRAPH_BASE_URL: instagram.baseUrl,
          META_GRAPH_BASE_URL: facebook.baseUrl,
          META_GRAPH_API_VERSION: GRAPH_VERSION,
        }),
      ),
      PlatformHttpModule,
      ChannelModule,
    ],
    providers: [
      ...instagramGraphClients,
      InstagramOwnership,
      InstagramCdnClient,
      InstagramProvider,
    ],
  })
    .overrideProvider(HostResolver)
    .useValue(hosts)
    .compile();
  await moduleRef.init();
  return {
    instagram,
    facebook,
    moduleRef,
    hosts,
    close: async () => {
      await moduleRef.close();
      await instagram.close();
      await facebook.close();
    },
  };
}

export { failureOf } from '@test/support/platform-failure';
