import { createHmac } from 'node:crypto';
import type { AppConfig } from '@config/app-config';
import type { ChannelAccountsService } from '@app/messaging/channel-accounts/channel-accounts.service';
import { MetaWebhookAuthenticator } from './meta-webhook.authenticator';

const GLOBAL_SECRET = 'global-app-secret-0123456789';
const OWN_SECRET = 'own-app-secret-of-another-meta-app';

const sign = (raw: string, secret: string) =>
  `sha256=${createHmac('sha256', secret).update(raw).digest('hex')}`;

/** A delivery naming `ids`, one change per number. */
function delivery(ids: readonly string[]): { raw: Buffer; payload: unknown } {
  const payload = {
    object: 'whatsapp_business_account',
    entry: [
      {
        id: '102290129340398',
        changes: ids.map((id) => ({
          field: 'messages',
          value: { messaging_product: 'whatsapp', metadata: { phone_number_id: id } },
        })),
      },
    ],
  };
  return { raw: Buffer.from(JSON.stringify(payload)), payload };
}

/**
 * Accounts as the database would answer, counting what the authenticator costs: queries (any
 * lookup method) and credentials opened (decryptions).
 */
function accountsWith(secrets: Record<string, string | undefined>) {
  const cost = { queries: 0, opened: 0 };
  const open = (id: string) => {
    cost.opened += 1;
    return secrets[id] === undefined ? {} : { appSecret: secrets[id] };
  };
  const service = {
    sealedByExternalIds: (_scope: unknown, ids: readonly string[]) => {
      cost.queries += 1;
      return Promise.resolve(
        ids
          .filter((id) => id in secrets)
          .map((id) => ({ id: `acc-${id}`, externalId: id, openCredentials: () => open(id) })),
      );
    },
  };
  return { service: service as unknown as ChannelAccountsService, cost };
}

const config = { meta: { appSecret: GLOBAL_SECRET } } as AppConfig;
const numbers = (n: number) => Array.from({ length: n }, (_, i) => `1065403522${1000 + i}`);

describe('MetaWebhookAuthenticator signatures', () => {
  it('accepts a delivery naming 12 numbers of one Meta app, signed with its own secret', async () => {
    const ids = numbers(12);
    const { service, cost } = accountsWith(Object.fromEntries(ids.map((id) => [id, OWN_SECRET])));
    const { raw, payload } = delivery(ids);
    const authenticator = new MetaWebhookAuthenticator(config, service);
    expect(
      await authenticator.isSignatureValid(sign(raw.toString(), OWN_SECRET), raw, payload),
    ).toBe(true);
    expect(cost.queries).toBe(1);
  });

  it.each([
    ['no header', undefined],
    ['another algorithm', `sha1=${'a'.repeat(40)}`],
    ['a short digest', `sha256=${'a'.repeat(63)}`],
    ['a digest that is not hex', `sha256=${'z'.repeat(64)}`],
    ['trailing bytes', `sha256=${'a'.repeat(64)} `],
  ])('refuses a header with %s without asking the database', async (_, header) => {
    const ids = numbers(3);
    const { service, cost } = accountsWith(Object.fromEntries(ids.map((id) => [id, OWN_SECRET])));
    const { raw, payload } = delivery(ids);
    const authenticator = new MetaWebhookAuthenticator(config, service);
    expect(await authenticator.isSignatureValid(header, raw, payload)).toBe(false);
    expect(cost).toEqual({ queries: 0, opened: 0 });
  });

  it('refuses a forged delivery naming 200 known numbers with one query and one decryption', async () => {
    const ids = numbers(200);
    const { service, cost } = accountsWith(Object.fromEntries(ids.map((id) => [id, OWN_SECRET])));
    const { raw, payload } = delivery(ids);
    const authenticator = new MetaWebhookAuthenticator(config, service);
    expect(await authenticator.isSignatureValid(sign('forged', OWN_SECRET), raw, payload)).toBe(
      false,
    );
    expect(cost).toEqual({ queries: 1, opened: 1 });
  });

  it("refuses a secret of one account vouching for another account's events", async () => {
    const [own, other] = numbers(2);
    const { service } = accountsWith({ [own]: OWN_SECRET, [other]: 'a-different-app-secret' });
    const { raw, payload } = delivery([own, other]);
    const authenticator = new MetaWebhookAuthenticator(config, service);
    expect(
      await authenticator.isSignatureValid(sign(raw.toString(), OWN_SECRET), raw, payload),
    ).toBe(false);
  });

  it('refuses an own-secret delivery that also names a number with no account', async () => {
    const [own, unknown] = numbers(2);
    const { service } = accountsWith({ [own]: OWN_SECRET });
    const { raw, payload } = delivery([own, unknown]);
    const authenticator = new MetaWebhookAuthenticator(config, service);
    expect(
      await authenticator.isSignatureValid(sign(raw.toString(), OWN_SECRET), raw, payload),
    ).toBe(false);
  });

  it('accepts the global secret whatever the delivery names, without a query', async () => {
    const { service, cost } = accountsWith({});
    const { raw, payload } = delivery(numbers(40));
    const authenticator = new MetaWebhookAuthenticator(config, service);
    expect(
      await authenticator.isSignatureValid(sign(raw.toString(), GLOBAL_SECRET), raw, payload),
    ).toBe(true);
    expect(cost.queries).toBe(0);
  });
});
