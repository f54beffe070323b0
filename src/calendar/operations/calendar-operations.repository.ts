import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { EncryptedColumn, encryptedColumnContext } from '@core/crypto/encrypted-column';
import { SecretBox } from '@core/crypto/secret-box';
import type {
  CreateEventCommand,
  DeleteEventCommand,
  UpdateEventCommand,
} from '../events/event-commands';

/** The queued write's command (title, attendees...), personal data: sealed per row. */
export const CALENDAR_OPERATION_COMMAND_COLUMN: EncryptedColumn = {
  table: 'calendar_operations',
  idColumn: 'id',
  column: 'command',
};

export type OperationStatus = 'pending' | 'applied' | 'failed';

export type QueuedWrite =
  | { kind: 'create'; command: CreateEventCommand & { eventId: string } }
  | { kind: 'update'; command: UpdateEventCommand }
  | { kind: 'delete'; command: DeleteEventCommand };

/** What GET /calendar/operations/:id answers: ids and outcome, never the command itself. */
export interface OperationView {
  id: string;
  kind: QueuedWrite['kind'];
  status: OperationStatus;
  eventId: string;
  /** The event's ETag once applied (create, update). */
  etag: string | null;
  attempts: number;
  error: { code: string; message: string } | null;
  createdAt: Date;
  updatedAt: Date;
}

interface Row extends Omit<OperationView, 'error'> {
  tenantId: string;
  command: string;
  errorCode: string | null;
  errorMessage: string | null;
}

const COLUMNS = `id, tenant_id AS "tenantId", kind, status, event_id AS "eventId", etag, attempts,
  command, error_code AS "errorCode", error_message AS "errorMessage", created_at AS "createdAt",
  updated_at AS "updatedAt"`;

@Injectable()
export class CalendarOperationsRepository {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly box: SecretBox,
  ) {}

  async insert(
    id: string,
    tenantId: string,
    write: QueuedWrite,
    eventId: string,
  ): Promise<OperationView> {
    const sealed = this.box.seal(
      JSON.stringify(write.command),
      encryptedColumnContext(CALENDAR_OPERATION_COMMAND_COLUMN, id),
    );
    const [row]: Row[] = await this.db.query(
      `INSERT INTO calendar_operations (id, tenant_id, kind, event_id, command)
       VALUES ($1, $2, $3, $4, $5) RETURNING ${COLUMNS}`,
      [id, tenantId, write.kind, eventId, sealed],
    );
    return viewOf(row);
  }

  async view(tenantId: string, id: string): Promise<OperationView | undefined> {
    const rows: Row[] = await this.db.query(
      `SELECT ${COLUMNS} FROM calendar_operations WHERE tenant_id = $1 AND id = $2`,
      [tenantId, id],
    );
    return rows[0] ? viewOf(rows[0]) : undefined;
  }

  /** A pending operation with its command opened, counting this attempt. */
  async startAttempt(
    id: string,
  ): Promise<(QueuedWrite & { tenantId: string; createdAt: Date; attempts: number }) | undefined> {
    const [rows]: [Row[], number] = await this.db.query(
      `UPDATE calendar_operations SET attempts = attempts + 1, updated_at = now()
        WHERE id = $1 AND status = 'pending' RETURNING ${COLUMNS}`,
      [id],
    );
    const row = rows[0];
    if (!row) return undefined;
    const command: unknown = JSON.parse(
      this.box.open(row.command, encryptedColumnContext(CALENDAR_OPERATION_COMMAND_COLUMN, row.id)),
    );
    return {
      kind: row.kind,
      command,
      tenantId: row.tenantId,
      createdAt: row.createdAt,
      attempts: row.attempts,
    } as QueuedWrite & { tenantId: string; createdAt: Date; attempts: number };
  }

  async markApplied(id: string, etag: string | null): Promise<void> {
    await this.db.query(
      `UPDATE calendar_operations SET status = 'applied', etag = $2, updated_at = now()
        WHERE id = $1 AND status = 'pending'`,
      [id, etag],
    );
  }

  async markFailed(id: string, code: string, message: string): Promise<void> {
    await this.db.query(
      `UPDATE calendar_operations
          SET status = 'failed', error_code = $2, error_message = $3, updated_at = now()
        WHERE id = $1 AND status = 'pending'`,
      [id, code, message],
    );
  }

  /** Pending ids older than `olderThan` (the sweeper re-adds their jobs; same job id). */
  async pendingIds(olderThan: Date, limit: number): Promise<string[]> {
    const rows: { id: string }[] = await this.db.query(
      `SELECT id FROM calendar_operations WHERE status = 'pending' AND created_at < $1
        ORDER BY created_at LIMIT $2`,
      [olderThan, limit],
    );
    return rows.map((row) => row.id);
  }
}

function viewOf(row: Row): OperationView {
  return {
    id: row.id,
    kind: row.kind,
    status: row.status,
    eventId: row.eventId,
    etag: row.etag,
    attempts: row.attempts,
    error: row.errorCode ? { code: row.errorCode, message: row.errorMessage ?? '' } : null,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}
