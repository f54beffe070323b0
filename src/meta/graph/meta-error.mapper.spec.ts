import { PlatformError } from '@core/errors/platform-error';
import { classifyErrorResponse } from '@core/http/error-response';
import type { PlatformErrorResponse } from '@core/http/platform-call';
import { mapMetaError } from './meta-error.mapper';

const NOW = Date.parse('2026-03-01T12:00:00Z');

function map(
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
  hub: PlatformErrorResponse['hub'] = 'whatsapp',
): PlatformError {
  const response: PlatformErrorResponse = {
    hub,
    operation: 'send_message',
    status,
    headers,
    body,
  };
  return mapMetaError(response, classifyErrorResponse(response, NOW));
}

const metaError = (code: number, message: string, extra: Record<string, unknown> = {}) => ({
  error: {
    message,
    type: 'OAuthException',
    code,
    error_data: { messaging_product: 'whatsapp', details: 'details from Meta' },
    fbtrace_id: 'AQk3dV_7x-Zb9',
    ...extra,
  },
});

describe('mapMetaError', () => {
  it.each([
    [130429, 400, 1_000],
    [130429, 429, 1_000],
    [131056, 400, 6_000],
    [80007, 400, 60_000],
    [4, 400, 60_000],
  ])(
    'makes throttling code %i on HTTP %i retryable later (at least %i ms)',
    (code, status, wait) => {
      const error = map(status, metaError(code, `(#${code}) Rate limit hit`));
      expect(error).toBeInstanceOf(PlatformError);
      expect(error.failure).toBe('rate-limited');
      expect(error.retryable).toBe(true);
      expect(error.retryAfterMs).toBe(wait);
      expect(error.details).toMatchObject({ status, platformCode: String(code) });
      expect(error.code).toBe('PLATFORM.RATE_LIMITED');
    },
  );

  it.each([
    [131047, 'more than 24 hours since the customer last replied'],
    [131026, 'message undeliverable'],
    [132000, 'template parameter count mismatch'],
    [132001, 'template does not exist in this language or is not approved'],
    [100, 'invalid parameter'],
    [368, 'temporarily blocked for policy violations'],
  ])('makes code %i a permanent rejection: %s', (code, title) => {
    const error = map(code === 132001 ? 404 : code === 368 ? 403 : 400, metaError(code, 'x'));
    expect(error.failure).toBe('rejected');
    expect(error.retryable).toBe(false);
    expect(error.details.platformCode).toBe(String(code));
    expect(error.message).toContain(title);
  });

  it('treats an expired or invalid token (190) as a permanent auth failure', () => {
    const error = map(
      401,
      metaError(190, 'Error validating access token: Session has expired', { error_subcode: 463 }),
    );
    expect(error.failure).toBe('auth');
    expect(error.retryable).toBe(false);
    expect(error.details).toMatchObject({ status: 401, platformCode: '190' });
    expect(error.message).toBe(
      'whatsapp send_message failed with HTTP 401: Meta error 190/463, ' +
        'access token expired or invalid [fbtrace_id AQk3dV_7x-Zb9]',
    );
  });

  it('treats the 200-299 permission range as auth', () => {
    expect(map(403, metaError(200, '(#200) Permissions error')).failure).toBe('auth');
  });

  it("makes Meta's own failures retryable, and spam limits permanent", () => {
    const unknown = map(500, metaError(131000, '(#131000) Something went wrong'));
    expect(unknown.failure).toBe('server');
    expect(unknown.retryable).toBe(true);
    const spam = map(400, metaError(131048, '(#131048) Spam rate limit hit'));
    expect(spam.failure).toBe('rate-limited');
    expect(spam.retryable).toBe(false);
  });

  it('never copies the message text or a phone number into the detail', () => {
    const error = map(
      400,
      metaError(131026, 'Message to +55 11 98765-4321 "Olá Ana, seu pedido" undeliverable', {
        error_data: { details: 'Recipient 5511987654321 text "Olá Ana, seu pedido"' },
      }),
    );
    expect(error.message).not.toMatch(/98765|5511|Olá|pedido/);
  });

  it("masks numbers in an unlisted code's message and keeps the status-based failure", () => {
    const error = map(400, metaError(999_001, '(#999001) Number +5511987654321 is odd'));
    expect(error.failure).toBe('rejected');
    expect(error.details.platformCode).toBe('999001');
    expect(error.message).toContain('(#999001) Number [number] is odd');
  });

  it('honours Graph is_transient on an unlisted code', () => {
    const error = map(400, metaError(999_002, 'Temporary', { is_transient: true }));
    expect(error.retryable).toBe(true);
  });

  it('keeps a longer Retry-After than the hint', () => {
    expect(map(400, metaError(130429, 'x'), { 'retry-after': '5' }).retryAfterMs).toBe(5_000);
  });

  it('leaves answers that are not Meta errors to the generic reading', () => {
    const error = map(502, '<html>Bad gateway</html>');
    expect(error.failure).toBe('server');
    expect(error.details.platformCode).toBeUndefined();
    expect(map(400, { error: { message: 'no code' } }).details.platformCode).toBeUndefined();
  });

  it('drops an fbtrace_id that is not a plain token', () => {
    const error = map(400, metaError(100, 'x', { fbtrace_id: 'A b\nC' }));
    expect(error.message).not.toContain('fbtrace_id');
  });

  describe('Instagram and Messenger codes', () => {
    const instagram = (status: number, body: unknown) => map(status, body, {}, 'instagram');

    it.each([
      [2018278, 'sent outside the allowed messaging window'],
      [2534022, 'sent outside the allowed messaging window'],
    ])(
      'reads code 10 with subcode %i as the closed window, not a token to renew',
      (subcode, title) => {
        const error = instagram(
          400,
          metaError(10, '(#10) This message is sent outside of allowed window.', {
            error_subcode: subcode,
          }),
        );
        expect(error.failure).toBe('rejected');
        expect(error.retryable).toBe(false);
        expect(error.details.platformCode).toBe('10');
        expect(error.message).toBe(
          `instagram send_message failed with HTTP 400: Meta error 10/${subcode}, ${title} ` +
            '[fbtrace_id AQk3dV_7x-Zb9]',
        );
      },
    );

    it('still reads code 10 without a known subcode as a permission error', () => {
      expect(instagram(403, metaError(10, '(#10) Permission denied')).failure).toBe('auth');
      expect(
        instagram(403, metaError(10, '(#10) Permission denied', { error_subcode: 1 })).failure,
      ).toBe('auth');
    });

    it.each([
      [551, 1545041, 'recipient is not available right now'],
      [551, undefined, 'recipient is not available right now'],
      [100, 2018001, 'no matching user found'],
    ])('makes %i/%s a permanent rejection: %s', (code, subcode, title) => {
      const error = instagram(400, metaError(code, 'x', { error_subcode: subcode }));
      expect(error.failure).toBe('rejected');
      expect(error.retryable).toBe(false);
      expect(error.message).toContain(title);
    });

    it('retries the Send API rate limit later and a temporary send failure', () => {
      const limited = instagram(400, metaError(613, '(#613) Calls to this API have exceeded'));
      expect(limited.failure).toBe('rate-limited');
      expect(limited.retryable).toBe(true);
      expect(limited.retryAfterMs).toBe(60_000);
      const temporary = instagram(500, metaError(1200, 'Temporary send message failure'));
      expect(temporary.failure).toBe('server');
      expect(temporary.retryable).toBe(true);
    });
  });
});
