import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import { newId } from '@core/database/ids';
import { ContactsService } from '@app/messaging/contacts/contacts.service';
import { ConversationsService } from '@app/messaging/conversations/conversations.service';
import { MessagesRepository } from '@app/messaging/messages/messages.repository';
import { eventually } from '@test/support/eventually';
import type { TestTenant } from '@test/support/test-app';

export interface SeededContact {
  contactId: string;
  conversationId: string;
  messageIds: string[];
  waId: string;
}

/** A channel account for a tenant, inserted as the messaging tests do (no platform involved). */
export async function seedAccount(
  app: NestFastifyApplication,
  tenant: TestTenant,
): Promise<string> {
  const accountId = newId();
  await app.get(DataSource).query(
    `INSERT INTO channel_accounts (id, tenant_id, hub, provider, name, external_id, credentials)
       VALUES ($1, $2, 'whatsapp', 'privacy-test', $3, $3, 'unused')`,
    [accountId, tenant.id, `privacy-${accountId}`],
  );
  return accountId;
}

/** A contact who wrote `texts` (and one image) through the inbound path's own services. */
export async function seedContact(
  app: NestFastifyApplication,
  tenantId: string,
  accountId: string,
  texts: string[],
  waId = `55119${Math.floor(Math.random() * 1e8)}`,
): Promise<SeededContact> {
  const contactId = await app
    .get(ContactsService)
    .resolve(tenantId, [{ type: 'wa_id', value: waId }], { phone: `+${waId}` });
  const conversationId = await app
    .get(ConversationsService)
    .touch(tenantId, accountId, contactId, new Date(), 'inbound');
  const messageIds: string[] = [];
  const contents = [
    ...texts.map((text) => ({ type: 'text' as const, content: { text } })),
    { type: 'image' as const, content: { media: { mediaId: `media-${waId}` }, caption: 'x-ray' } },
  ];
  for (const { type, content } of contents) {
    const id = newId();
    await app.get(MessagesRepository).insertInbound({
      id,
      tenantId,
      conversationId,
      channelAccountId: accountId,
      provider: 'privacy-test',
      providerMessageId: `in.${id}`,
      type,
      content,
      platformTimestamp: new Date(),
    });
    messageIds.push(id);
  }
  return { contactId, conversationId, messageIds, waId };
}

export interface RequestView {
  id: string;
  status: string;
  dueAt: string;
  receipts?: { contributor: string; deleted: Record<string, number>; kept: unknown[] }[];
  download?: { url: string; expiresAt: string };
}

/** Files a request and waits until the worker completes it. */
export async function completedRequest(
  app: NestFastifyApplication,
  tenant: TestTenant,
  body: object,
): Promise<RequestView> {
  const filed = await app.inject({
    method: 'POST',
    url: '/api/v2/privacy/requests',
    headers: tenant.headers,
    payload: body,
  });
  if (filed.statusCode !== 202) throw new Error(`request refused: ${filed.body}`);
  const { id } = filed.json<{ id: string }>();
  return eventually(async () => {
    const view = (
      await app.inject({
        method: 'GET',
        url: `/api/v2/privacy/requests/${id}`,
        headers: tenant.headers,
      })
    ).json<RequestView>();
    if (view.status !== 'completed') throw new Error(`request ${id} is ${view.status}`);
    return view;
  }, 15_000);
}
