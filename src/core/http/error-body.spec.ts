import { readErrorBody, safePlatformMessage } from './error-body';

describe('readErrorBody', () => {
  it('reads the Meta Graph shape', () => {
    const body = {
      error: {
        message: '(#131009) Parameter value is not valid',
        type: 'OAuthException',
        code: 131009,
        fbtrace_id: 'AbC',
      },
    };
    expect(readErrorBody(body)).toEqual({
      message: '(#131009) Parameter value is not valid',
      code: '131009',
    });
  });

  it('reads the OAuth 2 shape', () => {
    expect(
      readErrorBody({ error: 'invalid_grant', error_description: 'Token has been revoked.' }),
    ).toEqual({ message: 'Token has been revoked.', code: 'invalid_grant' });
  });

  it('reads a flat message and code', () => {
    expect(readErrorBody({ message: 'Instance not found', code: 'E_INSTANCE' })).toEqual({
      message: 'Instance not found',
      code: 'E_INSTANCE',
    });
  });

  it('says nothing about text or unknown shapes', () => {
    expect(readErrorBody('<html>Bad Gateway</html>')).toEqual({});
    expect(readErrorBody(null)).toEqual({});
    expect(readErrorBody([{ message: 'x' }])).toEqual({});
    expect(readErrorBody({ error: { message: '' } })).toEqual({
      message: undefined,
      code: undefined,
    });
  });
});

describe('safePlatformMessage', () => {
  it('masks phone numbers and e-mail addresses', () => {
    expect(safePlatformMessage('Recipient +55 11 98765-4321 is not on WhatsApp')).toBe(
      'Recipient [number] is not on WhatsApp',
    );
    expect(safePlatformMessage('Calendar ana.silva@example.com not found')).toBe(
      'Calendar [email] not found',
    );
  });

  it('keeps short platform codes readable', () => {
    expect(safePlatformMessage('(#131030) Recipient not in allowed list')).toBe(
      '(#131030) Recipient not in allowed list',
    );
  });

  it('caps long messages', () => {
    const capped = safePlatformMessage('x'.repeat(500));
    expect(capped).toHaveLength(200);
    expect(capped.endsWith('…')).toBe(true);
  });
});
