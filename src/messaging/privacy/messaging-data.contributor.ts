import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import {
  DataContributor,
  ErasureReceipt,
  PrivacyContributor,
} from '@core/privacy/privacy-contributor';
import { MessageContentCodec } from '../messages/encryption/message-content.codec';

type Row = Record<string, unknown>;
type MessageRow = Row & { id: string; type: string; content: { media?: unknown } };

const MEDIA_TYPES = ['image', 'video', 'document', 'audio', 'sticker', 'media'];

/**
 * Messaging's part in data subject requests: the contact, its identities, conversations,
 * messages and the media they reference. Erasure deletes the contact, whose identities,
 * conversations and messages go with it (foreign keys cascade), in the transaction that
 * records `contact.erased` for the event stream's subscribers. With the identities gone, the
 * same person writing again is a new contact: nothing links them to the erased one.
 */
@Injectable()
@PrivacyContributor()
export class MessagingDataContributor implements DataContributor {
  readonly name = 'messaging';
  readonly ownsContacts = true;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly codec: MessageContentCodec,
  ) {}

  async export(tenantId: string, contactId: string): Promise<unknown> {
    const params = [tenantId, contactId];
    const [contact]: Row[] = await this.db.query(
      `SELECT id, display_name AS "displayName", phone, created_at AS "createdAt"
         FROM contacts WHERE tenant_id = $1 AND id = $2`,
      params,
    );
    if (!contact) return { contact: null };
    const identities: Row[] = await this.db.query(
      `SELECT type, value, created_at AS "createdAt" FROM contact_identities
        WHERE tenant_id = $1 AND contact_id = $2 ORDER BY id`,
      params,
    );
    const conversations: Row[] = await this.db.query(
      `SELECT c.id, a.hub, a.provider, a.name AS "channelAccount", c.status,
              c.created_at AS "createdAt", c.last_message_at AS "lastMessageAt"
         FROM conversations c JOIN channel_accounts a ON a.id = c.channel_account_id
        WHERE c.tenant_id = $1 AND c.contact_id = $2 ORDER BY c.id`,
      params,
    );
    const stored: MessageRow[] = await this.db.query(
      `SELECT m.id, m.conversation_id AS "conversationId", m.direction, m.type, m.content,
              m.status, m.error_code AS "errorCode", m.created_at AS "createdAt",
              m.sent_at AS "sentAt", m.delivered_at AS "deliveredAt", m.read_at AS "readAt"
         FROM messages m JOIN conversations c ON c.id = m.conversation_id
        WHERE c.tenant_id = $1 AND c.contact_id = $2 ORDER BY m.conversation_id, m.id`,
      params,
    );
    const messages = stored.map((message) => ({
      ...message,
      content: this.codec.open(message.id, message.content),
    }));
    const media = messages
      .filter((message) => MEDIA_TYPES.includes(message.type) && message.content.media)
      .map((message) => ({ messageId: message.id, media: message.content.media }));
    return { contact, identities, conversations, messages, media };
  }

  async erase(tenantId: string, contactId: string): Promise<ErasureReceipt> {
    return this.db.transaction(async (tx) => {
      const params = [tenantId, contactId];
      const found: { id: string }[] = await tx.query(
        `SELECT id FROM contacts WHERE tenant_id = $1 AND id = $2 FOR UPDATE`,
        params,
      );
      if (found.length === 0) return { deleted: {}, kept: [] };
      const [counts]: Record<string, string>[] = await tx.query(
        `SELECT
           (SELECT count(*) FROM contact_identities WHERE tenant_id = $1 AND contact_id = $2) AS identities,
           (SELECT count(*) FROM conversations WHERE tenant_id = $1 AND contact_id = $2) AS conversations,
           (SELECT count(*) FROM messages m JOIN conversations c ON c.id = m.conversation_id
             WHERE c.tenant_id = $1 AND c.contact_id = $2) AS messages,
           (SELECT count(*) FROM messages m JOIN conversations c ON c.id = m.conversation_id
             WHERE c.tenant_id = $1 AND c.contact_id = $2 AND m.content ? 'media') AS "mediaReferences"`,
        params,
      );
      await tx.query(
        `INSERT INTO domain_events (tenant_id, stream_id, type, contact_id)
         VALUES ($1, $2, 'contact.erased', $2)`,
        params,
      );
      await tx.query(`DELETE FROM contacts WHERE tenant_id = $1 AND id = $2`, params);
      return {
        deleted: {
          contacts: 1,
          ...Object.fromEntries(
            Object.entries(counts).map(([key, value]): [string, number] => [key, Number(value)]),
          ),
        },
        kept: KEPT,
      };
    });
  }
}

const KEPT = [
  {
    what: 'Copies of the conversation and its media on the messaging platforms (WhatsApp, Instagram)',
    reason:
      'Held by the platform under its own terms; the contact may delete them there. Omnihub ' +
      'stores media references only, never the files.',
  },
  {
    what: 'Raw webhook deliveries in the inbox',
    reason: 'Kept INBOX_RETENTION_DAYS (at least 7) to recognise redeliveries, then deleted.',
  },
];
