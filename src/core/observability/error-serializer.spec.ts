import { DatabaseError } from 'pg';
import { QueryFailedError } from 'typeorm';
import { DomainError } from '@core/errors/domain-error';
import { PlatformError } from '@core/errors/platform-error';
import { describeError, serializeError } from './error-serializer';

const PHONE = '+5511988887777';
const TEXT = 'meu CPF é 123.456.789-00';

/** A pg error as node-postgres builds it from PostgreSQL's ErrorResponse fields. */
function pgError(message: string, fields: Partial<DatabaseError>): DatabaseError {
  return Object.assign(new DatabaseError(message, 100, 'error'), { severity: 'ERROR', ...fields });
}

function queryFailed(driverError: DatabaseError): QueryFailedError {
  return new QueryFailedError(
    'INSERT INTO inbound_events (...) SELECT ...',
    [[PHONE], [JSON.stringify({ text: TEXT, from: PHONE })]],
    driverError,
  );
}

describe('serializeError', () => {
  it('keeps where a query failed and drops its query, parameters and detail', () => {
    const error = queryFailed(
      pgError(
        'duplicate key value violates unique constraint "contact_identities_tenant_type_value_key"',
        {
          code: '23505',
          detail: `Key (tenant_id, type, value)=(t-1, phone, ${PHONE}) already exists.`,
          table: 'contact_identities',
          constraint: 'contact_identities_tenant_type_value_key',
          schema: 'public',
          routine: '_bt_check_unique',
        },
      ),
    );
    const serialized = serializeError(error);
    expect(JSON.stringify(serialized)).not.toContain('5511988887777');
    expect(JSON.stringify(serialized)).not.toContain('CPF');
    expect(JSON.stringify(serialized)).not.toContain('INSERT');
    expect(serialized).toMatchObject({
      type: 'QueryFailedError',
      message:
        'duplicate key value violates unique constraint "contact_identities_tenant_type_value_key"',
      code: '23505',
      table: 'contact_identities',
      constraint: 'contact_identities_tenant_type_value_key',
      severity: 'ERROR',
    });
    expect(serialized).not.toHaveProperty('detail');
    expect(serialized).not.toHaveProperty('parameters');
    expect(serialized).not.toHaveProperty('driverError');
  });

  it('masks the value PostgreSQL quotes in a data exception, in the message and the stack', () => {
    const error = queryFailed(
      pgError(`invalid input syntax for type uuid: "${PHONE}"`, {
        code: '22P02',
        routine: 'string_to_uuid',
      }),
    );
    const serialized = serializeError(error) as { message: string; stack: string };
    expect(serialized.message).toBe('invalid input syntax for type uuid: "[value]"');
    expect(serialized.stack).toMatch(
      /^QueryFailedError: invalid input syntax for type uuid: "\[value\]"\n\s+at /,
    );
    expect(JSON.stringify(serialized)).not.toContain('5511988887777');
  });

  it('keeps identifiers PostgreSQL quotes outside data exceptions', () => {
    const error = pgError(
      'index row size 4016 exceeds btree version 4 maximum 2704 for index "inbound_events_source_external_id_key"',
      { code: '54000', detail: 'Index row references tuple (0,1) in relation "inbound_events".' },
    );
    expect(serializeError(error)).toMatchObject({
      type: 'DatabaseError',
      message: expect.stringContaining('"inbound_events_source_external_id_key"'),
      code: '54000',
    });
  });

  it('keeps domain and platform codes, and serializes causes the same way', () => {
    const cause = queryFailed(
      pgError(`value "${PHONE}" is out of range for type integer`, { code: '22003' }),
    );
    const error = new DomainError('INBOX.UNAVAILABLE', 'unavailable', 'Try later');
    Object.assign(error, { cause });
    const serialized = serializeError(error);
    expect(serialized).toMatchObject({
      type: 'DomainError',
      code: 'INBOX.UNAVAILABLE',
      kind: 'unavailable',
      cause: {
        type: 'QueryFailedError',
        message: 'value "[value]" is out of range for type integer',
      },
    });
    expect(JSON.stringify(serialized)).not.toContain('5511988887777');

    const platform = new PlatformError('whatsapp', 'send', 'rejected', 'Recipient not allowed', {
      status: 400,
      platformCode: '131030',
    });
    expect(serializeError(platform)).toMatchObject({
      type: 'PlatformError',
      code: 'PLATFORM.REJECTED',
      hub: 'whatsapp',
      status: 400,
      platformCode: '131030',
    });
  });

  it('drops ad-hoc fields an error was decorated with', () => {
    const error = Object.assign(new Error('boom'), { payload: { text: TEXT }, code: 'E_BOOM' });
    expect(serializeError(error)).toEqual({
      type: 'Error',
      message: 'boom',
      stack: expect.stringMatching(/^Error: boom\n/),
      code: 'E_BOOM',
    });
  });

  it('reads the original error out of pino’s own serialization, and leaves non-errors alone', () => {
    const raw = queryFailed(pgError('boom', { code: '23505', detail: PHONE }));
    const piped = { type: 'QueryFailedError', message: 'boom', parameters: [PHONE], raw };
    Object.defineProperty(piped, 'raw', { enumerable: false, value: raw });
    expect(JSON.stringify(serializeError(piped))).not.toContain('5511988887777');
    expect(serializeError('just text')).toBe('just text');
    expect(serializeError(undefined)).toBeUndefined();
  });
});

describe('describeError', () => {
  it('names the type and the safe message, for error columns', () => {
    const error = queryFailed(
      pgError(`invalid input syntax for type uuid: "${PHONE}"`, { code: '22P02' }),
    );
    expect(describeError(error)).toBe(
      'QueryFailedError: invalid input syntax for type uuid: "[value]"',
    );
    expect(describeError('thrown text')).toBe('string');
  });
});
