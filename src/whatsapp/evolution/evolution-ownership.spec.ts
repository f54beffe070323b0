import type { AppConfig } from '@config/app-config';
import { DomainError } from '@core/errors/domain-error';
import type { PublicLinkGuard } from '@core/http/public-link.guard';
import type { EvolutionApiClient } from './evolution-api.client';
import { evolutionInstanceName } from './evolution-instance-name';
import type { EvolutionInstancesClient } from './evolution-instances.client';
import { EvolutionProvider } from './evolution.provider';

const ALPHA = '01939a4e-1f00-7000-8000-00000000000a';
const BRAVO = '01939a4e-1f00-7000-8000-00000000000b';

describe('EvolutionProvider ownership proof', () => {
  // The proof asks no server: instance names are Omnihub's own, derived from the tenant id.
  const provider = new EvolutionProvider(
    {} as EvolutionApiClient,
    {} as PublicLinkGuard,
    {} as EvolutionInstancesClient,
    {
      whatsapp: { evolutionMessagesPerMinute: 30 },
    } as AppConfig,
  );
  const claim = (tenantId: string, name: string, externalId: string) => ({
    tenantId,
    name,
    externalId,
    credentials: { baseUrl: 'http://evolution.local', apiKey: 'instance-token' },
  });

  it("accepts an instance in the tenant's own namespace", async () => {
    await expect(
      provider.proveOwnership(claim(ALPHA, 'loja', evolutionInstanceName(ALPHA, 'loja'))),
    ).resolves.toBeUndefined();
  });

  it("refuses another tenant's instance, even under the same handle", async () => {
    const error = await provider
      .proveOwnership(claim(BRAVO, 'loja', evolutionInstanceName(ALPHA, 'loja')))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({ code: 'CHANNEL_ACCOUNT.NOT_OWNED', kind: 'unprocessable' });
  });

  it('refuses an instance named outside any namespace', async () => {
    await expect(provider.proveOwnership(claim(ALPHA, 'loja', 'loja'))).rejects.toMatchObject({
      code: 'CHANNEL_ACCOUNT.NOT_OWNED',
    });
  });
});
