import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import { PostgresQueryRunner } from 'typeorm/driver/postgres/PostgresQueryRunner';
import { ChannelAccountsService } from '@app/messaging/channel-accounts/channel-accounts.service';
import { CHANNEL_ACCOUNT_CREDENTIALS } from '@app/messaging/channel-accounts/credentials-column';
import { encryptedColumnContext } from '@core/crypto/encrypted-column';
import { SecretBox } from '@core/crypto/secret-box';
import { newId } from '@core/database/ids';
import { createTenant, createTestApp } from '@test/support/test-app';
import { seedAccount } from '../privacy/privacy-harness';

/**
 * Deliveries for one platform account read and open it once per CHANNEL_ACCOUNT_CACHE_MS
 * (openForIngest), and a change to the account made through the process is seen at once.
 * Sends open the account's credentials once while their sealed text stays the same.
 */
describe('Channel accounts reused by ingesting and sending', () => {
  let app: NestFastifyApplication;

  beforeAll(async () => {
    app = await createTestApp({ APP_ROLE: 'api', CHANNEL_ACCOUNT_CACHE_MS: '60000' });
  });

  afterAll(() => app.close());

  it('reads an account once for a burst of deliveries, and afresh after a change', async () => {
    const tenant = await createTenant(app);
    const accountId = await seedAccount(app, tenant);
    const accounts = app.get(ChannelAccountsService);
    const externalId = `privacy-${accountId}`;
    const query = jest.spyOn(PostgresQueryRunner.prototype, 'query');
    const accountReads = () =>
      query.mock.calls.filter(([sql]) => String(sql).includes('FROM "channel_accounts"')).length;
    try {
      const first = await accounts.openForIngest('whatsapp', 'privacy-test', externalId);
      const second = await accounts.openForIngest('whatsapp', 'privacy-test', externalId);
      expect(first).toMatchObject({ id: accountId, status: 'active' });
      expect(second).toBe(first);
      expect(accountReads()).toBe(1);

      await accounts.setStatus(accountId, 'needs_reauth');
      const changed = await accounts.openForIngest('whatsapp', 'privacy-test', externalId);
      expect(changed).toMatchObject({ id: accountId, status: 'needs_reauth' });
      expect(accountReads()).toBe(2);
    } finally {
      query.mockRestore();
    }
  });

  it('opens credentials once while their sealed text stays, and new credentials at once', async () => {
    const tenant = await createTenant(app);
    const accounts = app.get(ChannelAccountsService);
    const credentials = { baseUrl: 'http://127.0.0.1:9', apiKey: 'first-token' };
    const { id } = await accounts.create(tenant.id, {
      hub: 'whatsapp',
      provider: 'evolution',
      name: `line-${newId()}`,
      externalId: `instance-${newId()}`,
      credentials,
    });
    const opens = jest.spyOn(SecretBox.prototype, 'openJson');
    try {
      const first = (await accounts.open(tenant.id, id)).credentials;
      const second = (await accounts.open(tenant.id, id)).credentials;
      expect(first).toMatchObject({ apiKey: 'first-token' });
      expect(second).toBe(first);
      expect(opens).toHaveBeenCalledTimes(1);

      // Written by another instance whose announcement never came: new text, opened afresh.
      const resealed = app
        .get(SecretBox)
        .sealJson(
          { ...credentials, apiKey: 'second-token' },
          encryptedColumnContext(CHANNEL_ACCOUNT_CREDENTIALS, id),
        );
      await app
        .get(DataSource)
        .query(`UPDATE channel_accounts SET credentials = $2 WHERE id = $1`, [id, resealed]);
      expect((await accounts.open(tenant.id, id)).credentials).toMatchObject({
        apiKey: 'second-token',
      });
      expect(opens).toHaveBeenCalledTimes(2);
    } finally {
      opens.mockRestore();
    }
  });
});
