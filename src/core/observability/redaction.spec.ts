import pino from 'pino';
import { Writable } from 'node:stream';
import { REDACT_CENSOR, REDACT_PATHS } from './redaction';

function logLine(object: Record<string, unknown>): Record<string, unknown> {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  pino({ redact: { paths: REDACT_PATHS, censor: REDACT_CENSOR } }, sink).info(object, 'event');
  return JSON.parse(lines[0]) as Record<string, unknown>;
}

describe('log redaction', () => {
  it('censors credentials in request headers', () => {
    const line = logLine({
      req: {
        headers: {
          authorization: 'Bearer ohk_secret',
          'x-api-key': 'ohk_secret',
          'x-hub-signature-256': 'sha256=ab',
        },
      },
    });
    expect(line.req).toEqual({
      headers: {
        authorization: REDACT_CENSOR,
        'x-api-key': REDACT_CENSOR,
        'x-hub-signature-256': REDACT_CENSOR,
      },
    });
  });

  it('censors tokens and secrets at the top level and nested two levels deep', () => {
    const line = logLine({
      accessToken: 'EAAG...',
      account: { credentials: { token: 't' }, appSecret: 's' },
      call: { request: { refresh_token: 'r', client_secret: 'c' } },
    });
    expect(JSON.stringify(line)).not.toMatch(/EAAG|"t"|"s"|"r"|"c"/);
    expect(line.accessToken).toBe(REDACT_CENSOR);
  });

  it('censors phone numbers and message text (personal data)', () => {
    const line = logLine({
      to: '+5511999999999',
      message: { text: 'meu CPF é 123', phone: '+5511988887777' },
    });
    const serialized = JSON.stringify(line);
    expect(serialized).not.toContain('5511999999999');
    expect(serialized).not.toContain('5511988887777');
    expect(serialized).not.toContain('CPF');
  });

  it('keeps ordinary fields readable', () => {
    const line = logLine({ tenantId: 't-1', status: 'sent', attempt: 2 });
    expect(line).toMatchObject({ tenantId: 't-1', status: 'sent', attempt: 2, msg: 'event' });
  });
});
