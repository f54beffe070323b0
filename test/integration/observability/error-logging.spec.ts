import { newId } from '@core/database/ids';
import { InboxRepository } from '@core/inbox/inbox.repository';
import { describeError } from '@core/observability/error-serializer';
import { createInboxContext, InboxTestContext } from '@test/integration/inbox/inbox-test-context';
import { captureLogs } from '@test/support/log-capture';
import { incompressibleText } from '@test/support/oversized-text';

const PHONE = '+5511988887777';
const NAME = 'Maria Souza';
const TEXT = 'meu CPF é 123.456.789-00';

/** Personal data a webhook carries; none of it may appear in a log line. */
const PERSONAL = ['5511988887777', NAME, 'CPF', '123.456.789'];

describe('Errors from PostgreSQL in logs', () => {
  let ctx: InboxTestContext;
  let repository: InboxRepository;

  beforeAll(async () => {
    ctx = await createInboxContext({});
    repository = ctx.moduleRef.get(InboxRepository);
  });

  afterAll(async () => {
    await ctx?.close();
  });

  const failure = async (query: () => Promise<unknown>): Promise<Error> => {
    const error = await query().then(
      () => undefined,
      (caught: unknown) => caught as Error,
    );
    if (!error) throw new Error('the query was expected to fail');
    return error;
  };

  /** Logs `error` the way ProblemDetailsFilter does and returns the line as written. */
  const logged = (error: Error) => {
    const logs = captureLogs();
    logs.logger.error({ err: error, traceId: 'trace-1' }, 'Unhandled error while serving request');
    return { text: logs.text(), line: logs.lines()[0] as { err: Record<string, unknown> } };
  };

  it('logs an index row PostgreSQL refused without the payload being written', async () => {
    const error = await failure(() =>
      repository.insertManyIfNew([
        {
          id: newId(),
          source: 'evolution',
          externalId: incompressibleText(4_000, 'log-external-id'),
          tenantId: null,
          accountRef: null,
          payloadJson: JSON.stringify({
            data: {
              key: { remoteJid: `${PHONE}@s.whatsapp.net` },
              pushName: NAME,
              message: { conversation: TEXT },
            },
          }),
        },
      ]),
    );
    const { text, line } = logged(error);
    for (const value of PERSONAL) expect(text).not.toContain(value);
    expect(text).not.toContain('log-external-id');
    expect(line.err).toMatchObject({
      type: 'QueryFailedError',
      code: '54000',
      message: expect.stringContaining('"inbound_events_source_external_id_key"'),
    });
    expect(line.err).not.toHaveProperty('parameters');
    expect(line.err).not.toHaveProperty('query');
  });

  it('logs a unique violation with its constraint but not the key PostgreSQL quotes in detail', async () => {
    const insert = () =>
      ctx.db.query(
        `INSERT INTO inbound_events (id, source, external_id, payload) VALUES ($1, 'meta', $2, '{}')`,
        [newId(), `${PHONE}:${NAME}`],
      );
    await insert();
    const { text, line } = logged(await failure(insert));
    for (const value of PERSONAL) expect(text).not.toContain(value);
    expect(line.err).toMatchObject({
      code: '23505',
      table: 'inbound_events',
      constraint: 'inbound_events_source_external_id_key',
    });
  });

  it('logs invalid input without the value PostgreSQL quotes in the message', async () => {
    const error = await failure(() => ctx.db.query(`SELECT $1::uuid`, [`${PHONE} ${NAME}`]));
    const { text, line } = logged(error);
    for (const value of PERSONAL) expect(text).not.toContain(value);
    expect(line.err).toMatchObject({
      code: '22P02',
      message: 'invalid input syntax for type uuid: "[value]"',
    });
    expect(describeError(error)).toBe(
      'QueryFailedError: invalid input syntax for type uuid: "[value]"',
    );
  });
});
