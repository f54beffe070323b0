import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { encryptedColumnContext, EncryptedColumn } from '@core/crypto/encrypted-column';
import { SecretBox } from '@core/crypto/secret-box';
import { newId } from '@core/database/ids';
import type { BitrixPortal, PortalAccess, PortalGrant, PortalStatus } from './bitrix-portal';
import { ACCESS_TOKEN, APPLICATION_TOKEN, CLIENT_SECRET, REFRESH_TOKEN } from './portal-columns';

const COLUMNS = `id, tenant_id AS "tenantId", name, portal_url AS "portalUrl", member_id AS "memberId",
  client_id AS "clientId", client_secret IS NOT NULL AS "hasOwnSecret",
  client_endpoint AS "clientEndpoint", access_expires_at AS "accessExpiresAt",
  token_generation AS "tokenGeneration", status, connector_state AS "connectorState",
  last_call_at AS "lastCallAt", last_error AS "lastError", created_at AS "createdAt"`;

export interface NewPortal {
  tenantId: string;
  name: string;
  portalUrl: string;
  clientId?: string;
  clientSecret?: string;
}

/** bitrix_portals, with every token and secret sealed by SecretBox under its row's context. */
@Injectable()
export class BitrixPortalsRepository {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly box: SecretBox,
  ) {}

  async insert(portal: NewPortal): Promise<BitrixPortal> {
    const id = newId();
    const rows: BitrixPortal[] = await this.db.query(
      `INSERT INTO bitrix_portals (id, tenant_id, name, portal_url, client_id, client_secret)
       VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${COLUMNS}`,
      [
        id,
        portal.tenantId,
        portal.name,
        portal.portalUrl,
        portal.clientId ?? null,
        portal.clientSecret ? this.seal(CLIENT_SECRET, id, portal.clientSecret) : null,
      ],
    );
    return rows[0];
  }

  async find(tenantId: string, id: string): Promise<BitrixPortal | null> {
    const rows: BitrixPortal[] = await this.db.query(
      `SELECT ${COLUMNS} FROM bitrix_portals WHERE id = $1 AND tenant_id = $2`,
      [id, tenantId],
    );
    return rows[0] ?? null;
  }

  /** By id whatever the tenant: webhooks and jobs name the portal, not the tenant. */
  async byId(id: string): Promise<BitrixPortal | null> {
    const rows: BitrixPortal[] = await this.db.query(
      `SELECT ${COLUMNS} FROM bitrix_portals WHERE id = $1`,
      [id],
    );
    return rows[0] ?? null;
  }

  list(tenantId: string): Promise<BitrixPortal[]> {
    return this.db.query(
      `SELECT ${COLUMNS} FROM bitrix_portals WHERE tenant_id = $1 ORDER BY created_at, id`,
      [tenantId],
    );
  }

  async update(
    tenantId: string,
    id: string,
    changes: { name?: string; clientId?: string; clientSecret?: string },
  ): Promise<BitrixPortal | null> {
    const [rows] = await this.db.query<[BitrixPortal[], number]>(
      `UPDATE bitrix_portals SET name = coalesce($3, name), client_id = coalesce($4, client_id),
              client_secret = coalesce($5, client_secret), updated_at = now()
        WHERE id = $1 AND tenant_id = $2 RETURNING ${COLUMNS}`,
      [
        id,
        tenantId,
        changes.name ?? null,
        changes.clientId ?? null,
        changes.clientSecret ? this.seal(CLIENT_SECRET, id, changes.clientSecret) : null,
      ],
    );
    return rows[0] ?? null;
  }

  async delete(tenantId: string, id: string): Promise<boolean> {
    const [, count] = await this.db.query<[unknown, number]>(
      `DELETE FROM bitrix_portals WHERE id = $1 AND tenant_id = $2`,
      [id, tenantId],
    );
    return count > 0;
  }

  /** The portal's own client secret, opened; null when it uses the configured app. */
  async clientSecret(id: string): Promise<string | null> {
    const rows: { client_secret: string | null }[] = await this.db.query(
      `SELECT client_secret FROM bitrix_portals WHERE id = $1`,
      [id],
    );
    const sealed = rows[0]?.client_secret;
    return sealed ? this.box.open(sealed, encryptedColumnContext(CLIENT_SECRET, id)) : null;
  }

  async applicationToken(id: string): Promise<string | null> {
    const rows: { application_token: string | null }[] = await this.db.query(
      `SELECT application_token FROM bitrix_portals WHERE id = $1`,
      [id],
    );
    const sealed = rows[0]?.application_token;
    return sealed ? this.box.open(sealed, encryptedColumnContext(APPLICATION_TOKEN, id)) : null;
  }

  async access(id: string): Promise<PortalAccess | null> {
    const rows: { access_token: string | null; client_endpoint: string; gen: number }[] =
      await this.db.query(
        `SELECT access_token, client_endpoint, token_generation AS gen
           FROM bitrix_portals WHERE id = $1 AND status = 'active'`,
        [id],
      );
    const row = rows[0];
    if (!row?.access_token) return null;
    return {
      accessToken: this.box.open(row.access_token, encryptedColumnContext(ACCESS_TOKEN, id)),
      clientEndpoint: row.client_endpoint,
      generation: row.gen,
    };
  }

  async refreshToken(id: string): Promise<{ token: string; generation: number } | null> {
    const rows: { refresh_token: string | null; gen: number }[] = await this.db.query(
      `SELECT refresh_token, token_generation AS gen FROM bitrix_portals WHERE id = $1`,
      [id],
    );
    const row = rows[0];
    if (!row?.refresh_token) return null;
    return {
      token: this.box.open(row.refresh_token, encryptedColumnContext(REFRESH_TOKEN, id)),
      generation: row.gen,
    };
  }

  /**
   * Stores a grant as the next generation, `active`. Committed before anyone uses its access
   * token: Bitrix24 has already invalidated the previous refresh token, so losing the new one
   * would lose the portal.
   */
  async storeGrant(id: string, grant: PortalGrant, applicationToken?: string): Promise<number> {
    const [rows] = await this.db.query<[{ gen: number }[], number]>(
      `UPDATE bitrix_portals SET access_token = $2, refresh_token = $3,
              access_expires_at = now() + make_interval(secs => $4), client_endpoint = $5,
              member_id = $6, application_token = coalesce($7, application_token),
              token_generation = token_generation + 1, status = 'active', last_error = NULL,
              updated_at = now()
        WHERE id = $1 RETURNING token_generation AS gen`,
      [
        id,
        this.seal(ACCESS_TOKEN, id, grant.accessToken),
        this.seal(REFRESH_TOKEN, id, grant.refreshToken),
        grant.expiresInSeconds,
        grant.clientEndpoint,
        grant.memberId,
        applicationToken ? this.seal(APPLICATION_TOKEN, id, applicationToken) : null,
      ],
    );
    return rows[0]?.gen ?? 0;
  }

  async setStatus(id: string, status: PortalStatus, lastError: string | null): Promise<void> {
    await this.db.query(
      `UPDATE bitrix_portals SET status = $2, last_error = $3, updated_at = now() WHERE id = $1`,
      [id, status, lastError],
    );
  }

  async setConnectorState(id: string, state: 'registered' | 'failed', error: string | null) {
    await this.db.query(
      `UPDATE bitrix_portals SET connector_state = $2, last_error = coalesce($3, last_error),
              updated_at = now() WHERE id = $1`,
      [id, state, error],
    );
  }

  async touchCall(id: string, error: string | null): Promise<void> {
    await this.db.query(
      `UPDATE bitrix_portals SET last_call_at = now(), last_error = coalesce($2, last_error)
        WHERE id = $1`,
      [id, error],
    );
  }

  private seal(column: EncryptedColumn, id: string, value: string): string {
    return this.box.seal(value, encryptedColumnContext(column, id));
  }
}
