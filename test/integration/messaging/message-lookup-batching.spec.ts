import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { PostgresQueryRunner } from 'typeorm/driver/postgres/PostgresQueryRunner';
import { MessageLookup } from '@app/messaging/messages/message-lookup';
import { createTenant, createTestApp } from '@test/support/test-app';
import { seedAccount, seedContact } from '../privacy/privacy-harness';

/**
 * MessageLookup.received is asked for every received message by each listener acting on its
 * words: the questions a poll asks together (its streams are delivered concurrently) are
 * answered by one query, each within its own tenant.
 */
describe('Message reads batched for event listeners', () => {
  let app: NestFastifyApplication;

  beforeAll(async () => {
    app = await createTestApp({ APP_ROLE: 'api' });
  });

  afterAll(() => app.close());

  it('reads a received message once for listeners asking in the same tick, within its tenant', async () => {
    const [first, second] = [await createTenant(app), await createTenant(app)];
    const account = await seedAccount(app, first);
    const contact = await seedContact(app, first.id, account, ['STOP']);
    const [id] = contact.messageIds;
    const lookup = app.get(MessageLookup);
    const query = jest.spyOn(PostgresQueryRunner.prototype, 'query');
    try {
      const answers = await Promise.all([
        lookup.received(first.id, id),
        lookup.received(first.id, id),
        lookup.received(second.id, id),
        lookup.received(first.id, 'not-a-uuid'),
      ]);
      const view = {
        id,
        conversationId: contact.conversationId,
        channelAccountId: account,
        text: 'STOP',
        payload: null,
      };
      expect(answers).toEqual([view, view, null, null]);
      const reads = query.mock.calls.filter(([sql]) => String(sql).includes('FROM "messages"'));
      expect(reads).toHaveLength(1);
    } finally {
      query.mockRestore();
    }
  });
});
