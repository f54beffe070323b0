import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { encryptedColumnContext } from '@core/crypto/encrypted-column';
import { SecretBox } from '@core/crypto/secret-box';
import { newId } from '@core/database/ids';
import {
  CALENDAR_ACCESS_TOKEN_COLUMN,
  CALENDAR_REFRESH_TOKEN_COLUMN,
  CalendarConnection,
  GrantedCalendar,
} from './calendar-connection';

interface Row {
  id: string;
  tenantId: string;
  googleAccount: string;
  scopes: string[];
  status: CalendarConnection['status'];
  refreshToken: string;
  accessToken: string | null;
  accessTokenExpiresAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

const COLUMNS = `id, tenant_id AS "tenantId", google_account AS "googleAccount", scopes, status,
  refresh_token AS "refreshToken", access_token AS "accessToken",
  access_token_expires_at AS "accessTokenExpiresAt", created_at AS "createdAt",
  updated_at AS "updatedAt"`;

export interface NewGrant {
  googleAccount: string;
  scopes: string[];
  refreshToken: string;
  accessToken: string;
  accessTokenExpiresAt: Date;
  calendars: GrantedCalendar[];
}

/** Connections and their calendars, read under their tenant; tokens sealed at rest. */
@Injectable()
export class CalendarConnectionsRepository {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly box: SecretBox,
  ) {}

  /**
   * Stores a (re)connect: a tenant's row keeps its id (its tokens' sealing context), takes the
   * new tokens, becomes active again, and its calendars are replaced by the granted ones.
   */
  async saveGrant(tenantId: string, grant: NewGrant): Promise<CalendarConnection> {
    return this.db.transaction(async (tx) => {
      // The row first (or the existing one, locked), so the tokens are sealed for its id.
      const [{ id }]: [{ id: string }] = await tx.query(
        `INSERT INTO calendar_connections (id, tenant_id, google_account, scopes, refresh_token)
         VALUES ($1, $2, '', '{}', '')
         ON CONFLICT (tenant_id) DO UPDATE SET updated_at = now()
         RETURNING id`,
        [newId(), tenantId],
      );
      const [rows]: [Row[], number] = await tx.query(
        `UPDATE calendar_connections
           SET google_account = $2, scopes = $3, status = 'active', needs_reauth_since = NULL,
               refresh_token = $4, access_token = $5, access_token_expires_at = $6, updated_at = now()
         WHERE id = $1 RETURNING ${COLUMNS}`,
        [
          id,
          grant.googleAccount,
          grant.scopes,
          this.box.seal(
            grant.refreshToken,
            encryptedColumnContext(CALENDAR_REFRESH_TOKEN_COLUMN, id),
          ),
          this.box.seal(
            grant.accessToken,
            encryptedColumnContext(CALENDAR_ACCESS_TOKEN_COLUMN, id),
          ),
          grant.accessTokenExpiresAt,
        ],
      );
      await tx.query(`DELETE FROM calendar_calendars WHERE connection_id = $1`, [id]);
      for (const calendar of grant.calendars) {
        await tx.query(
          `INSERT INTO calendar_calendars
             (connection_id, tenant_id, calendar_id, summary, time_zone, is_primary, access_role)
           VALUES ($1, $2, $3, $4, $5, $6, $7)`,
          [
            id,
            tenantId,
            calendar.calendarId,
            calendar.summary,
            calendar.timeZone,
            calendar.primary,
            calendar.accessRole,
          ],
        );
      }
      return this.open(rows[0]);
    });
  }

  async findByTenant(tenantId: string): Promise<CalendarConnection | undefined> {
    const rows: Row[] = await this.db.query(
      `SELECT ${COLUMNS} FROM calendar_connections WHERE tenant_id = $1`,
      [tenantId],
    );
    return rows[0] ? this.open(rows[0]) : undefined;
  }

  /** The tenant a connection belongs to (whose circuit it is); null when it is gone. */
  async tenantOf(id: string): Promise<string | null> {
    const rows: { tenantId: string }[] = await this.db.query(
      `SELECT tenant_id AS "tenantId" FROM calendar_connections WHERE id = $1`,
      [id],
    );
    return rows[0]?.tenantId ?? null;
  }

  /** Tenants whose connection is active (the watch task's round). */
  async activeTenants(): Promise<string[]> {
    const rows: { tenantId: string }[] = await this.db.query(
      `SELECT tenant_id AS "tenantId" FROM calendar_connections WHERE status = 'active' ORDER BY id`,
    );
    return rows.map((row) => row.tenantId);
  }

  async saveAccessToken(id: string, accessToken: string, expiresAt: Date): Promise<void> {
    await this.db.query(
      `UPDATE calendar_connections
         SET access_token = $2, access_token_expires_at = $3, updated_at = now()
       WHERE id = $1`,
      [
        id,
        this.box.seal(accessToken, encryptedColumnContext(CALENDAR_ACCESS_TOKEN_COLUMN, id)),
        expiresAt,
      ],
    );
  }

  /** The grant is dead: the tokens are useless, so they are dropped with the status change. */
  async markNeedsReauth(id: string): Promise<boolean> {
    const [, count]: [unknown, number] = await this.db.query(
      `UPDATE calendar_connections
         SET status = 'needs_reauth', needs_reauth_since = now(), access_token = NULL,
             access_token_expires_at = NULL, updated_at = now()
       WHERE id = $1 AND status = 'active'`,
      [id],
    );
    return count > 0;
  }

  async delete(tenantId: string, id: string): Promise<void> {
    await this.db.query(`DELETE FROM calendar_connections WHERE tenant_id = $1 AND id = $2`, [
      tenantId,
      id,
    ]);
  }

  async calendars(tenantId: string): Promise<GrantedCalendar[]> {
    return this.db.query(
      `SELECT calendar_id AS "calendarId", summary, time_zone AS "timeZone",
              is_primary AS "primary", access_role AS "accessRole"
         FROM calendar_calendars WHERE tenant_id = $1
        ORDER BY is_primary DESC, summary, calendar_id`,
      [tenantId],
    );
  }

  private open(row: Row): CalendarConnection {
    return {
      id: row.id,
      tenantId: row.tenantId,
      googleAccount: row.googleAccount,
      scopes: row.scopes,
      status: row.status,
      refreshToken: this.box.open(
        row.refreshToken,
        encryptedColumnContext(CALENDAR_REFRESH_TOKEN_COLUMN, row.id),
      ),
      ...(row.accessToken
        ? {
            accessToken: this.box.open(
              row.accessToken,
              encryptedColumnContext(CALENDAR_ACCESS_TOKEN_COLUMN, row.id),
            ),
            accessTokenExpiresAt: row.accessTokenExpiresAt ?? undefined,
          }
        : {}),
      createdAt: row.createdAt,
      updatedAt: row.updatedAt,
    };
  }
}
