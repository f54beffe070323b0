import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { plainToInstance } from 'class-transformer';
import { validate, ValidationError } from 'class-validator';
import { parse } from 'csv-parse/sync';
import { DomainError, FieldError, ValidationFailedError } from '@core/errors/domain-error';
import { MAX_IMPORT_ROWS, RecordConsentDto } from './consent.dto';
import { ConsentService } from './consent.service';
import type { ImportReportView, ImportRowReportView } from './consent.views';

/** The CSV header an import names its columns by (any order; unknown columns are refused). */
export const CSV_COLUMNS = [
  'contact_id',
  'phone',
  'handle_channel',
  'handle',
  'purpose',
  'channel',
  'state',
  'occurred_at',
  'wording',
  'source',
] as const;

/**
 * Bulk import of consent decisions (a clinic's paper forms, a CRM's list): each row is
 * validated and recorded on its own, and the answer reports every row by its index, so one bad
 * row never sinks the file. A row that names when it happened (`occurredAt`) is recorded once
 * however often the file is sent again; without it each import records the decision anew.
 */
@Injectable()
export class ConsentImport {
  constructor(private readonly consent: ConsentService) {}

  async importRows(
    tenantId: string,
    actor: string,
    rows: readonly Record<string, unknown>[],
  ): Promise<ImportReportView> {
    const reports: ImportRowReportView[] = [];
    for (const [index, row] of rows.entries())
      reports.push(await this.importRow(tenantId, actor, index, row));
    return {
      recorded: reports.filter((r) => r.status === 'recorded').length,
      duplicates: reports.filter((r) => r.status === 'duplicate').length,
      rejected: reports.filter((r) => r.status === 'invalid' || r.status === 'not_found').length,
      rows: reports,
    };
  }

  /** Parses a CSV file (header row first; csv-parse handles quotes, commas and newlines in fields). */
  async importCsv(tenantId: string, actor: string, csv: string): Promise<ImportReportView> {
    let records: Record<string, string>[];
    try {
      records = parse(csv, {
        columns: true,
        skip_empty_lines: true,
        trim: true,
        bom: true,
      }) as Record<string, string>[];
    } catch (error) {
      throw new ValidationFailedError([
        { field: 'body', message: `not valid CSV: ${(error as Error).message}` },
      ]);
    }
    const unknown = Object.keys(records[0] ?? {}).filter(
      (column) => !(CSV_COLUMNS as readonly string[]).includes(column),
    );
    if (unknown.length) {
      throw new ValidationFailedError([
        {
          field: 'body',
          message: `unknown columns ${unknown.join(', ')}; known: ${CSV_COLUMNS.join(', ')}`,
        },
      ]);
    }
    if (records.length === 0 || records.length > MAX_IMPORT_ROWS) {
      throw new ValidationFailedError([
        { field: 'body', message: `a CSV import holds 1 to ${MAX_IMPORT_ROWS} rows` },
      ]);
    }
    return this.importRows(tenantId, actor, records.map(fromCsv));
  }

  private async importRow(
    tenantId: string,
    actor: string,
    index: number,
    row: Record<string, unknown>,
  ): Promise<ImportRowReportView> {
    const request = plainToInstance(RecordConsentDto, row);
    const errors = flatten(
      await validate(request, { whitelist: true, forbidNonWhitelisted: true }),
    );
    if (errors.length) return { row: index, status: 'invalid', errors };
    try {
      const { contactId, event } = await this.consent.record(tenantId, actor, request, {
        source: 'import',
        idempotencyKey: request.occurredAt ? `import:${fingerprint(request)}` : undefined,
      });
      return event
        ? { row: index, status: 'recorded', contactId, eventId: event.id }
        : { row: index, status: 'duplicate', contactId };
    } catch (error) {
      if (
        !(error instanceof DomainError) ||
        !['validation', 'unprocessable', 'not-found'].includes(error.kind)
      ) {
        throw error;
      }
      return {
        row: index,
        status: error.kind === 'not-found' ? 'not_found' : 'invalid',
        errors: error.extra.errors ?? [{ field: 'row', message: error.message }],
      };
    }
  }
}

function fromCsv(record: Record<string, string>): Record<string, unknown> {
  const value = (column: string) => (record[column] ? record[column] : undefined);
  const contact = {
    id: value('contact_id'),
    phone: value('phone'),
    channel: value('handle_channel'),
    handle: value('handle'),
  };
  return dropUndefined({
    contact: dropUndefined(contact),
    purpose: value('purpose'),
    channel: value('channel'),
    state: value('state'),
    occurredAt: value('occurred_at'),
    source: value('source'),
    evidence: value('wording') ? { wording: value('wording') } : undefined,
  });
}

function dropUndefined(record: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).filter(([, v]) => v !== undefined));
}

/** The same decision about the same contact at the same time is the same row. */
function fingerprint(request: RecordConsentDto): string {
  const { contact, purpose, channel, state, occurredAt } = request;
  return createHash('sha256')
    .update(
      JSON.stringify([
        contact,
        purpose,
        channel ?? '*',
        state,
        new Date(occurredAt!).toISOString(),
      ]),
    )
    .digest('hex');
}

function flatten(errors: ValidationError[], prefix = ''): FieldError[] {
  return errors.flatMap((error) => {
    const field = prefix ? `${prefix}.${error.property}` : error.property;
    return [
      ...Object.values(error.constraints ?? {}).map((message) => ({ field, message })),
      ...flatten(error.children ?? [], field),
    ];
  });
}
