import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { newId } from '@core/database/ids';
import { ContactsService } from '@app/messaging/contacts/contacts.service';
import { ConversationsService } from '@app/messaging/conversations/conversations.service';
import { MessagesRepository } from '@app/messaging/messages/messages.repository';
import { createTenant, createTestApp } from '@test/support/test-app';
import { seedAccount } from '../privacy/privacy-harness';

/**
 * A customer's message stored while the business sends in the same conversation: each
 * statement takes the conversation before its event stream, whichever path it is (the send
 * touches the conversation first; the received message's list copy updates it last), so the
 * two never wait on each other in a cycle (PostgreSQL answered "deadlock detected" in a soak).
 */
describe('Conversation and event stream lock order', () => {
  let app: NestFastifyApplication;

  beforeAll(async () => {
    app = await createTestApp({ APP_ROLE: 'api' });
  });

  afterAll(() => app.close());

  it('stores received and sent messages of one conversation concurrently without a deadlock', async () => {
    const tenant = await createTenant(app);
    const accountId = await seedAccount(app, tenant);
    const contactId = await app
      .get(ContactsService)
      .resolve(tenant.id, [{ type: 'wa_id', value: `55119${Math.floor(Math.random() * 1e8)}` }]);
    const conversationId = await app
      .get(ConversationsService)
      .touch(tenant.id, accountId, contactId, new Date(), 'inbound');
    const messages = app.get(MessagesRepository);

    const receive = () => {
      const id = newId();
      return messages.insertInbound({
        id,
        tenantId: tenant.id,
        conversationId,
        channelAccountId: accountId,
        provider: 'privacy-test',
        providerMessageId: `in.${id}`,
        type: 'text',
        content: { text: 'hi' },
        platformTimestamp: new Date(),
      });
    };
    const send = () =>
      messages.insertOutboundTouching(
        {
          id: newId(),
          tenantId: tenant.id,
          channelAccountId: accountId,
          provider: 'privacy-test',
          type: 'text',
          content: { text: 'hello', to: '+5511900000000' },
        },
        { contactId, at: new Date() },
      );

    const rounds = Array.from({ length: 60 }, () => Promise.all([receive(), send(), receive()]));
    const outcomes = await Promise.allSettled(rounds);
    const failures = outcomes.filter((outcome) => outcome.status === 'rejected');
    expect(failures.map((failure) => String(failure.reason))).toEqual([]);
  });
});
