import { createHmac } from 'node:crypto';
import type { AppConfig } from '@config/app-config';
import type {
  AccountScope,
  ChannelAccountsService,
} from '@app/messaging/channel-accounts/channel-accounts.service';
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

/** An Instagram (or Page) delivery: one entry per account id, as Meta sends messaging events. */
function entriesDelivery(
  object: string,
  ids: readonly string[],
): { raw: Buffer; payload: unknown } {
  const payload = {
    object,
    entry: ids.map((id) => ({
      id,
      time: 1569262486134,
      messaging: [{ sender: { id: '1234' }, recipient: { id }, message: { mid: 'm-1' } }],
    })),
  };
  return { raw: Buffer.from(JSON.stringify(payload)), payload };
}

/**
 * Accounts as the database would answer, counting what the authenticator costs: queries and
 * credentials opened (decryptions). Accounts are WhatsApp Cloud API numbers unless `hubs` says
 * otherwise; a query finds only accounts in its scope.
 */
function accountsWith(
  secrets: Record<string, string | undefined>,
  hubs: Record<string, string> = {},
) {
  const cost = { queries: 0, opened: 0, scopes: [] as AccountScope[] };
  const open = (id: string) => {
    cost.opened += 1;
    return secrets[id] === undefined ? {} : { appSecret: secrets[id] };
  };
  const inScope = (scope: AccountScope, id: string) =>
    (hubs[id] ?? 'whatsapp') === scope.hub &&
    (scope.provider === undefined || hubs[id] === undefined);
  const service = {
    sealedByExternalIds: (scope: AccountScope, ids: readonly string[]) => {
      cost.queries += 1;
      cost.scopes.push(scope);
      return Promise.resolve(
        ids
          .filter((id) => id in secrets && inScope(scope, id))
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
    expect(cost).toMatchObject({ queries: 0, opened: 0 });
  });

  it('refuses a forged delivery naming 200 known numbers with one query and one decryption', async () => {
    const ids = numbers(200);
    const { service, cost } = accountsWith(Object.fromEntries(ids.map((id) => [id, OWN_SECRET])));
    const { raw, payload } = delivery(ids);
    const authenticator = new MetaWebhookAuthenticator(config, service);
    expect(await authenticator.isSignatureValid(sign('forged', OWN_SECRET), raw, payload)).toBe(
      false,
    );
    expect(cost).toMatchObject({ queries: 1, opened: 1 });
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

  describe('Instagram accounts and Pages', () => {
    const instagramIds = ['17841405822304914', '17841400000000001', '17841400000000002'];
    const instagramAccounts = (secret = OWN_SECRET) =>
      accountsWith(
        Object.fromEntries(instagramIds.map((id) => [id, secret])),
        Object.fromEntries(instagramIds.map((id) => [id, 'instagram'])),
      );

    it.each(['instagram', 'page'])(
      "accepts an '%s' delivery signed with its accounts' own secret, looked up by entry id",
      async (object) => {
        const { service, cost } = instagramAccounts();
        const { raw, payload } = entriesDelivery(object, instagramIds);
        const authenticator = new MetaWebhookAuthenticator(config, service);
        expect(
          await authenticator.isSignatureValid(sign(raw.toString(), OWN_SECRET), raw, payload),
        ).toBe(true);
        expect(cost.queries).toBe(1);
        expect(cost.scopes).toEqual([expect.objectContaining({ hub: 'instagram' })]);
        expect(cost.scopes[0].provider).toBeUndefined();
      },
    );

    it('refuses a forged Instagram delivery naming 200 known accounts with one query and one decryption', async () => {
      const ids = Array.from({ length: 200 }, (_, i) => `178414000${1000 + i}`);
      const { service, cost } = accountsWith(
        Object.fromEntries(ids.map((id) => [id, OWN_SECRET])),
        Object.fromEntries(ids.map((id) => [id, 'instagram'])),
      );
      const { raw, payload } = entriesDelivery('instagram', ids);
      const authenticator = new MetaWebhookAuthenticator(config, service);
      expect(await authenticator.isSignatureValid(sign('forged', OWN_SECRET), raw, payload)).toBe(
        false,
      );
      expect({ queries: cost.queries, opened: cost.opened }).toEqual({ queries: 1, opened: 1 });
    });

    it('refuses an Instagram delivery whose entries are WhatsApp numbers, even with their secret', async () => {
      const ids = numbers(2);
      const { service } = accountsWith(Object.fromEntries(ids.map((id) => [id, OWN_SECRET])));
      const { raw, payload } = entriesDelivery('instagram', ids);
      const authenticator = new MetaWebhookAuthenticator(config, service);
      expect(
        await authenticator.isSignatureValid(sign(raw.toString(), OWN_SECRET), raw, payload),
      ).toBe(false);
    });

    it('refuses an own-secret delivery of an object no product owns, without a query', async () => {
      const { service, cost } = instagramAccounts();
      const { raw, payload } = entriesDelivery('user', instagramIds);
      const authenticator = new MetaWebhookAuthenticator(config, service);
      expect(
        await authenticator.isSignatureValid(sign(raw.toString(), OWN_SECRET), raw, payload),
      ).toBe(false);
      expect(cost.queries).toBe(0);
    });
  });
});
