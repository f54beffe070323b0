import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { EncryptedColumn, encryptedColumnContext } from '@core/crypto/encrypted-column';
import { SecretBox } from '@core/crypto/secret-box';

/** The X-Goog-Channel-Token secret of each push channel, sealed per channel. */
export const CALENDAR_CHANNEL_TOKEN_COLUMN: EncryptedColumn = {
  table: 'calendar_channels',
  idColumn: 'id',
  column: 'token',
};

/** A push channel opened by events.watch, its secret token opened. */
export interface CalendarChannel {
  id: string;
  tenantId: string;
  connectionId: string;
  calendarId: string;
  resourceId: string;
  token: string;
  expiresAt: Date;
}

const COLUMNS = `id, tenant_id AS "tenantId", connection_id AS "connectionId",
  calendar_id AS "calendarId", resource_id AS "resourceId", token, expires_at AS "expiresAt"`;

/** Push channels and each calendar's sync token; no tenant input reaches these by id alone. */
@Injectable()
export class CalendarChannelsRepository {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly box: SecretBox,
  ) {}

  async insert(channel: CalendarChannel): Promise<void> {
    await this.db.query(
      `INSERT INTO calendar_channels
         (id, tenant_id, connection_id, calendar_id, resource_id, token, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [
        channel.id,
        channel.tenantId,
        channel.connectionId,
        channel.calendarId,
        channel.resourceId,
        this.box.seal(
          channel.token,
          encryptedColumnContext(CALENDAR_CHANNEL_TOKEN_COLUMN, channel.id),
        ),
        channel.expiresAt,
      ],
    );
  }

  async findById(id: string): Promise<CalendarChannel | undefined> {
    const rows: CalendarChannel[] = await this.db.query(
      `SELECT ${COLUMNS} FROM calendar_channels WHERE id = $1`,
      [id],
    );
    return rows[0] ? this.open(rows[0]) : undefined;
  }

  async ofConnection(connectionId: string): Promise<CalendarChannel[]> {
    const rows: CalendarChannel[] = await this.db.query(
      `SELECT ${COLUMNS} FROM calendar_channels WHERE connection_id = $1 ORDER BY expires_at`,
      [connectionId],
    );
    return rows.map((row) => this.open(row));
  }

  async delete(id: string): Promise<void> {
    await this.db.query(`DELETE FROM calendar_channels WHERE id = $1`, [id]);
  }

  async syncToken(connectionId: string, calendarId: string): Promise<string | undefined> {
    const rows: { syncToken: string | null }[] = await this.db.query(
      `SELECT sync_token AS "syncToken" FROM calendar_sync_states
        WHERE connection_id = $1 AND calendar_id = $2`,
      [connectionId, calendarId],
    );
    return rows[0]?.syncToken ?? undefined;
  }

  /** `undefined` forgets the token: the next sync of the calendar is a full one. */
  async saveSyncToken(
    tenantId: string,
    connectionId: string,
    calendarId: string,
    syncToken: string | undefined,
  ): Promise<void> {
    await this.db.query(
      `INSERT INTO calendar_sync_states (connection_id, calendar_id, tenant_id, sync_token, last_synced_at)
       VALUES ($1, $2, $3, $4, now())
       ON CONFLICT (connection_id, calendar_id)
       DO UPDATE SET sync_token = EXCLUDED.sync_token, last_synced_at = now()`,
      [connectionId, calendarId, tenantId, syncToken ?? null],
    );
  }

  private open(row: CalendarChannel): CalendarChannel {
    return {
      ...row,
      token: this.box.open(
        row.token,
        encryptedColumnContext(CALENDAR_CHANNEL_TOKEN_COLUMN, row.id),
      ),
    };
  }
}
