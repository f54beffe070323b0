import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { newId } from '@core/database/ids';

export interface BitrixLine {
  portalId: string;
  tenantId: string;
  channelAccountId: string;
  lineId: string;
  active: boolean;
}

const COLUMNS = `portal_id AS "portalId", tenant_id AS "tenantId",
  channel_account_id AS "channelAccountId", line_id AS "lineId", active`;

/** Which channel account feeds which open line, per portal (bitrix_lines). */
@Injectable()
export class BitrixLinesRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async upsert(line: Omit<BitrixLine, 'active'>): Promise<void> {
    await this.db.query(
      `INSERT INTO bitrix_lines (id, tenant_id, portal_id, channel_account_id, line_id)
       VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (portal_id, channel_account_id) DO UPDATE SET line_id = EXCLUDED.line_id,
         active = bitrix_lines.active AND bitrix_lines.line_id = EXCLUDED.line_id`,
      [newId(), line.tenantId, line.portalId, line.channelAccountId, line.lineId],
    );
  }

  async setActive(portalId: string, channelAccountId: string, active: boolean): Promise<void> {
    await this.db.query(
      `UPDATE bitrix_lines SET active = $3 WHERE portal_id = $1 AND channel_account_id = $2`,
      [portalId, channelAccountId, active],
    );
  }

  async remove(portalId: string, channelAccountId: string): Promise<boolean> {
    const [, count] = await this.db.query<[unknown, number]>(
      `DELETE FROM bitrix_lines WHERE portal_id = $1 AND channel_account_id = $2`,
      [portalId, channelAccountId],
    );
    return count > 0;
  }

  /** A line deleted on the portal stops taking messages until it is mapped again. */
  async deactivateLine(portalId: string, lineId: string): Promise<void> {
    await this.db.query(
      `UPDATE bitrix_lines SET active = false WHERE portal_id = $1 AND line_id = $2`,
      [portalId, lineId],
    );
  }

  ofPortal(portalId: string): Promise<BitrixLine[]> {
    return this.db.query(
      `SELECT ${COLUMNS} FROM bitrix_lines WHERE portal_id = $1 ORDER BY line_id`,
      [portalId],
    );
  }

  /** The active lines an account feeds (one per portal at most), for the mirror. */
  ofAccount(tenantId: string, channelAccountId: string): Promise<BitrixLine[]> {
    return this.db.query(
      `SELECT ${COLUMNS} FROM bitrix_lines l
        WHERE tenant_id = $1 AND channel_account_id = $2 AND active
          AND EXISTS (SELECT 1 FROM bitrix_portals p WHERE p.id = l.portal_id AND p.status = 'active')`,
      [tenantId, channelAccountId],
    );
  }
}
