import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import {
  DataContributor,
  ErasureReceipt,
  PrivacyContributor,
} from '@core/privacy/privacy-contributor';

/**
 * Bitrix24's part in data subject requests: which open-line chats and CRM contacts in the
 * tenant's portals the contact's conversations map to. Erasure deletes those mappings and the
 * mirror's per-message bookkeeping of those conversations here; what was mirrored into the
 * portal stays there (the receipt says so, with the CRM contact ids to delete in Bitrix24).
 */
@Injectable()
@PrivacyContributor()
export class BitrixDataContributor implements DataContributor {
  readonly name = 'bitrix';

  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async export(tenantId: string, contactId: string): Promise<unknown> {
    const chats: unknown[] = await this.db.query(
      `SELECT c.portal_id AS "portalId", p.portal_url AS "portalUrl",
              c.conversation_id AS "conversationId", c.recipient,
              c.crm_contact_id::text AS "crmContactId", c.bitrix_chat_id::text AS "bitrixChatId",
              c.created_at AS "createdAt"
         FROM bitrix_chats c JOIN bitrix_portals p ON p.id = c.portal_id
        WHERE c.tenant_id = $1 AND c.contact_id = $2 ORDER BY c.id`,
      [tenantId, contactId],
    );
    return { chats };
  }

  async erase(tenantId: string, contactId: string): Promise<ErasureReceipt> {
    return this.db.transaction(async (tx): Promise<ErasureReceipt> => {
      // DELETE ... RETURNING answers [rows, count] through TypeORM.
      const [chats]: [{ conversation_id: string; crm_contact_id: string | null }[], number] =
        await tx.query(
          `DELETE FROM bitrix_chats WHERE tenant_id = $1 AND contact_id = $2
         RETURNING conversation_id, crm_contact_id::text AS crm_contact_id`,
          [tenantId, contactId],
        );
      if (chats.length === 0) return { deleted: {}, kept: [] };
      const conversations = chats.map((chat) => chat.conversation_id);
      const [, mirrored]: [unknown, number] = await tx.query(
        `DELETE FROM bitrix_mirror_items WHERE tenant_id = $1 AND conversation_id = ANY($2)`,
        [tenantId, conversations],
      );
      const [, replies]: [unknown, number] = await tx.query(
        `DELETE FROM bitrix_agent_messages WHERE tenant_id = $1 AND conversation_id = ANY($2)`,
        [tenantId, conversations],
      );
      const crmIds = [...new Set(chats.map((chat) => chat.crm_contact_id).filter(Boolean))];
      return {
        deleted: { chatMappings: chats.length, mirroredMessages: mirrored, agentReplies: replies },
        kept: [
          {
            what:
              'The open-line chats, their messages and the CRM contact in the Bitrix24 portal' +
              (crmIds.length ? ` (CRM contact ids ${crmIds.join(', ')})` : ''),
            reason:
              "Bitrix24 is the tenant's own CRM, which the tenant controls; Omnihub does not " +
              'delete CRM records on its behalf. Delete them in Bitrix24.',
          },
        ],
      };
    });
  }
}
