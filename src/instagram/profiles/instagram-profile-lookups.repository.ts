import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

export interface ProfileLookup {
  tenantId: string;
  contactId: string;
  channelAccountId: string;
  igsid: string;
}

/** A failed lookup is tried again after 1 min, 2, 4... up to this many attempts, then left. */
export const PROFILE_LOOKUP_ATTEMPTS = 6;
const FIRST_RETRY_MS = 60_000;
/** A claim older than this was lost (its worker died mid-call): it may be taken again. */
const STALE_CLAIM = `interval '10 minutes'`;

/**
 * Which contacts' Instagram profiles were looked up (instagram_profile_lookups, this module's
 * own table). `claim` is the once-only gate: it takes a contact never looked up, or a failed
 * lookup whose retry is due, and only one caller wins it however many race.
 */
@Injectable()
export class InstagramProfileLookupsRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** True when the caller should look this contact up now. */
  async claim(lookup: ProfileLookup): Promise<boolean> {
    const rows: unknown[] = await this.db.query(
      `INSERT INTO instagram_profile_lookups
         (contact_id, tenant_id, channel_account_id, igsid, status, attempts)
       VALUES ($1, $2, $3, $4, 'pending', 1)
       ON CONFLICT (contact_id) DO UPDATE SET
         status = 'pending', attempts = instagram_profile_lookups.attempts + 1,
         channel_account_id = EXCLUDED.channel_account_id, igsid = EXCLUDED.igsid,
         next_attempt_at = NULL, updated_at = now()
        WHERE (instagram_profile_lookups.status = 'failed'
               AND instagram_profile_lookups.next_attempt_at <= now())
           OR (instagram_profile_lookups.status = 'pending'
               AND instagram_profile_lookups.updated_at < now() - ${STALE_CLAIM})
       RETURNING 1`,
      [lookup.contactId, lookup.tenantId, lookup.channelAccountId, lookup.igsid],
    );
    return rows.length > 0;
  }

  async succeeded(contactId: string): Promise<void> {
    await this.db.query(
      `UPDATE instagram_profile_lookups
          SET status = 'done', looked_up_at = now(), last_error = NULL, updated_at = now()
        WHERE contact_id = $1`,
      [contactId],
    );
  }

  /**
   * A failed lookup: tried again with backoff while `retry` and attempts remain, else left
   * (next_attempt_at NULL). `error` is a code, never a platform message quoting the person.
   */
  async failed(contactId: string, error: string, retry: boolean): Promise<void> {
    await this.db.query(
      `UPDATE instagram_profile_lookups
          SET status = 'failed', last_error = $2, updated_at = now(),
              next_attempt_at = CASE WHEN $3 AND attempts < $4
                THEN now() + make_interval(secs => $5::float8 * 2 ^ (attempts - 1) / 1000)
                ELSE NULL END
        WHERE contact_id = $1`,
      [contactId, error, retry, PROFILE_LOOKUP_ATTEMPTS, FIRST_RETRY_MS],
    );
  }

  /** Failed lookups whose retry is due and lost claims, oldest first. */
  async due(limit: number): Promise<ProfileLookup[]> {
    return this.db.query(
      `SELECT tenant_id AS "tenantId", contact_id AS "contactId",
              channel_account_id AS "channelAccountId", igsid
         FROM instagram_profile_lookups
        WHERE (status = 'failed' AND next_attempt_at <= now())
           OR (status = 'pending' AND updated_at < now() - ${STALE_CLAIM})
        ORDER BY updated_at LIMIT $1`,
      [limit],
    );
  }
}
