import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { PostgresQueryRunner } from 'typeorm/driver/postgres/PostgresQueryRunner';
import { newId } from '@core/database/ids';
import { MessageLookup } from '@app/messaging/messages/message-lookup';
import { createTenant, createTestApp } from '@test/support/test-app';
import { seedAccount, seedContact } from '../privacy/privacy-harness';

/**
 * MessageLookup.kind labels hub_messages_total for every delivered event: the questions a
 * poll asks together (its streams are delivered concurrently) are answered by one query, each
 * within its own tenant.
 */
describe('Message reads batched for event listeners', () => {
  let app: NestFastifyApplication;

  beforeAll(async () => {
    app = await createTestApp({ APP_ROLE: 'api' });
  });

  afterAll(() => app.close());

  it('answers concurrent questions with one query, per tenant, null for what it cannot see', async () => {
    const [first, second] = [await createTenant(app), await createTenant(app)];
    const firstAccount = await seedAccount(app, first);
    const secondAccount = await seedAccount(app, second);
    const ours = await seedContact(app, first.id, firstAccount, ['one', 'two']);
    const theirs = await seedContact(app, second.id, secondAccount, ['three']);
    const lookup = app.get(MessageLookup);
    const query = jest.spyOn(PostgresQueryRunner.prototype, 'query');
    try {
      const kinds = await Promise.all([
        lookup.kind(first.id, ours.messageIds[0]),
        lookup.kind(first.id, ours.messageIds[1]),
        lookup.kind(second.id, theirs.messageIds[0]),
        lookup.kind(first.id, theirs.messageIds[0]),
        lookup.kind(first.id, newId()),
      ]);
      const inbound = { hub: 'whatsapp', direction: 'inbound', type: 'text' };
      expect(kinds).toEqual([inbound, inbound, inbound, null, null]);
      const kindQueries = query.mock.calls.filter(([sql]) => String(sql).includes('a.hub'));
      expect(kindQueries).toHaveLength(1);
    } finally {
      query.mockRestore();
    }
  });

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
