import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

/**
 * How long a reservation counts beyond what the messages show. A send is stored within
 * milliseconds of its reservation; past this, the stored messages (which leave failed sends
 * out) are the count again, so a slot taken by a send that a later rule refused, or that failed
 * for good, comes back.
 */
export const RESERVATION_LEASE_SECONDS = 60;

/**
 * TikTok's reply count taken atomically (migration 1795402100000). Counting the replies and
 * then storing the send are two steps, so two sends checked at once at 9 replies both saw 9 and
 * both went: an 11th message TikTok refuses. Here each send takes its slot by one conditional
 * upsert on the (account, contact) row: PostgreSQL runs concurrent upserts of one row one after
 * the other, so only one of them can take the 10th slot.
 */
@Injectable()
export class TikTokReplyReservations {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /**
   * Takes one reply slot in the window that opened at `windowStart`, given `seen` replies
   * already stored in it (sends and replies typed in TikTok's app). False when `limit` slots
   * are taken: by stored replies, or by reservations of sends not stored yet.
   */
  async reserve(slot: {
    accountId: string;
    contactId: string;
    windowStart: Date;
    seen: number;
    limit: number;
    now: Date;
  }): Promise<boolean> {
    if (slot.seen >= slot.limit) return false;
    const rows: { replies: number }[] = await this.db.query(
      `INSERT INTO tiktok_reply_reservations AS r
         (channel_account_id, contact_id, window_start, replies, reserved_at)
       VALUES ($1, $2, $3, $4::int + 1, $5)
       ON CONFLICT (channel_account_id, contact_id) DO UPDATE SET
         window_start = EXCLUDED.window_start,
         replies = CASE
           WHEN r.window_start = EXCLUDED.window_start
            AND r.reserved_at > EXCLUDED.reserved_at - make_interval(secs => $7)
           THEN GREATEST(r.replies, $4::int) + 1
           ELSE $4::int + 1 END,
         reserved_at = EXCLUDED.reserved_at
       WHERE r.window_start <> EXCLUDED.window_start
          OR r.reserved_at <= EXCLUDED.reserved_at - make_interval(secs => $7)
          OR GREATEST(r.replies, $4::int) < $6
       RETURNING replies`,
      [
        slot.accountId,
        slot.contactId,
        slot.windowStart,
        slot.seen,
        slot.now,
        slot.limit,
        RESERVATION_LEASE_SECONDS,
      ],
    );
    return rows.length === 1;
  }
}
