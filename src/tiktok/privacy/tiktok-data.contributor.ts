import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ChannelAccountsService } from '@app/messaging/channel-accounts/channel-accounts.service';
import { ContactsService } from '@app/messaging/contacts/contacts.service';
import {
  DataContributor,
  ErasureReceipt,
  PrivacyContributor,
} from '@core/privacy/privacy-contributor';
import { TIKTOK_USER_ID } from '../rules/tiktok-messaging.rules';

/** A tenant has a handful of TikTok accounts; this is far above any real one. */
const MAX_ACCOUNTS = 1_000;

/**
 * TikTok's part in data subject requests: the TikTok conversation ids kept per person and
 * account (`tiktok_conversations`), the read-receipt bookkeeping of our messages in those
 * conversations (`tiktok_sent_messages`), the person's comments on the accounts' videos
 * (`tiktok_comments`, by the TikTok user id TikTok lists them with) and the reply count kept
 * for the contact (`tiktok_reply_reservations`). The person is found by the contact's TikTok user ids
 * (asked of messaging, which erases last, so they are still there), the accounts are the
 * tenant's TikTok accounts: nothing of another tenant matches.
 */
@Injectable()
@PrivacyContributor()
export class TikTokDataContributor implements DataContributor {
  readonly name = 'tiktok';

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly contacts: ContactsService,
    private readonly accounts: ChannelAccountsService,
  ) {}

  async export(tenantId: string, contactId: string): Promise<unknown> {
    const scope = await this.scope(tenantId, contactId);
    if (!scope) return { conversations: [], comments: [] };
    const conversations: unknown[] = await this.db.query(
      `SELECT channel_account_id AS "channelAccountId", user_id AS "userId",
              conversation_id AS "conversationId", updated_at AS "updatedAt"
         FROM tiktok_conversations WHERE channel_account_id = ANY($1) AND user_id = ANY($2)
        ORDER BY channel_account_id, user_id`,
      [scope.accountIds, scope.userIds],
    );
    const comments: unknown[] = await this.db.query(
      `SELECT channel_account_id AS "channelAccountId", comment_id AS "commentId",
              video_id AS "videoId", author_username AS "username", text, visibility,
              commented_at AS "commentedAt"
         FROM tiktok_comments WHERE channel_account_id = ANY($1) AND author_user_id = ANY($2)
        ORDER BY channel_account_id, commented_at, comment_id`,
      [scope.accountIds, scope.userIds],
    );
    return { conversations, comments };
  }

  async erase(tenantId: string, contactId: string): Promise<ErasureReceipt> {
    const scope = await this.scope(tenantId, contactId);
    if (!scope) return { deleted: {}, kept: [] };
    return this.db.transaction(async (tx): Promise<ErasureReceipt> => {
      // DELETE ... RETURNING answers [rows, count] through TypeORM.
      const [gone]: [{ channel_account_id: string; conversation_id: string }[], number] =
        await tx.query(
          `DELETE FROM tiktok_conversations WHERE channel_account_id = ANY($1) AND user_id = ANY($2)
         RETURNING channel_account_id, conversation_id`,
          [scope.accountIds, scope.userIds],
        );
      let sent = 0;
      for (const row of gone) {
        const [, count]: [unknown, number] = await tx.query(
          `DELETE FROM tiktok_sent_messages WHERE channel_account_id = $1 AND conversation_id = $2`,
          [row.channel_account_id, row.conversation_id],
        );
        sent += count;
      }
      const [, comments]: [unknown, number] = await tx.query(
        `DELETE FROM tiktok_comments WHERE channel_account_id = ANY($1) AND author_user_id = ANY($2)`,
        [scope.accountIds, scope.userIds],
      );
      await tx.query(
        `DELETE FROM tiktok_reply_reservations WHERE channel_account_id = ANY($1) AND contact_id = $2`,
        [scope.accountIds, contactId],
      );
      const kept = [
        ...(gone.length
          ? [
              {
                what: 'The direct-message conversation in TikTok',
                reason: 'Held by TikTok under its own terms; the person may delete it there.',
              },
            ]
          : []),
        ...(comments
          ? [
              {
                what: "The person's comments on the account's TikTok videos",
                reason: 'Published on TikTok; the person (or the account) may delete them there.',
              },
            ]
          : []),
      ];
      return {
        deleted: { conversations: gone.length, sentMessageReceipts: sent, comments },
        kept,
      };
    });
  }

  private async scope(tenantId: string, contactId: string) {
    const userIds = (await this.contacts.identitiesOf(tenantId, contactId))
      .filter((identity) => identity.type === TIKTOK_USER_ID)
      .map((identity) => identity.value);
    if (userIds.length === 0) return undefined;
    const page = await this.accounts.list(tenantId, MAX_ACCOUNTS, undefined, 'tiktok');
    const accountIds = page.items.map((account) => account.id);
    return accountIds.length ? { userIds, accountIds } : undefined;
  }
}
