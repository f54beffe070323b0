import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { PostgresQueryRunner } from 'typeorm/driver/postgres/PostgresQueryRunner';
import { ChannelAccountsService } from '@app/messaging/channel-accounts/channel-accounts.service';
import { createTenant, createTestApp } from '@test/support/test-app';
import { seedAccount } from '../privacy/privacy-harness';

/**
 * Deliveries for one platform account read and open it once per CHANNEL_ACCOUNT_CACHE_MS
 * (openForIngest), and a change to the account made through the process is seen at once.
 */
describe('Channel accounts reused for ingesting deliveries', () => {
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
});
