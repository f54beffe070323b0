import { DomainError } from '@core/errors/domain-error';
import { PlatformError, PlatformFailure } from '@core/errors/platform-error';
import { ownershipRefusalOf } from './meta-ownership-refusal';

const graphError = (failure: PlatformFailure, platformCode?: string, status = 400) =>
  new PlatformError(
    'whatsapp',
    'verify_phone_number',
    failure,
    'whatsapp verify_phone_number failed',
    {
      status,
      platformCode,
    },
  );

const refusal = (error: unknown, field: 'phoneNumberId' | 'wabaId' = 'phoneNumberId') => {
  const mapped = ownershipRefusalOf(error, field) as DomainError;
  return { code: mapped.code, kind: mapped.kind, fields: mapped.extra.errors?.map((e) => e.field) };
};

describe('ownershipRefusalOf', () => {
  it.each(['190', '0', '102'])('reads Meta code %s as a rejected token', (code) => {
    expect(refusal(graphError('auth', code, 401))).toEqual({
      code: 'CHANNEL_ACCOUNT.CREDENTIALS_REJECTED',
      kind: 'unprocessable',
      fields: ['accessToken'],
    });
  });

  it('reads a bare 401 (no Meta body) as a rejected token', () => {
    expect(refusal(graphError('auth', undefined, 401)).code).toBe(
      'CHANNEL_ACCOUNT.CREDENTIALS_REJECTED',
    );
  });

  it.each(['10', '3', '200', '294'])('reads Meta code %s as a missing permission (403)', (code) => {
    expect(refusal(graphError('auth', code, 403))).toEqual({
      code: 'CHANNEL_ACCOUNT.PERMISSION_MISSING',
      kind: 'forbidden',
      fields: ['accessToken'],
    });
  });

  it("reads Graph's 100 (unknown object or no access) as not owned, naming the id looked up", () => {
    expect(refusal(graphError('rejected', '100'), 'wabaId')).toEqual({
      code: 'CHANNEL_ACCOUNT.NOT_OWNED',
      kind: 'unprocessable',
      fields: ['wabaId'],
    });
    expect(refusal(graphError('not-found', undefined, 404)).fields).toEqual(['phoneNumberId']);
  });

  it.each<PlatformFailure>(['timeout', 'network', 'server', 'rate-limited'])(
    'reads a %s failure as the platform being unavailable (503), never a 500',
    (failure) => {
      expect(refusal(graphError(failure, undefined, 503))).toMatchObject({
        code: 'CHANNEL_ACCOUNT.PLATFORM_UNAVAILABLE',
        kind: 'unavailable',
      });
    },
  );

  it("keeps other refusals (a policy block) as Meta's own 422", () => {
    const blocked = graphError('rejected', '368', 403);
    expect(ownershipRefusalOf(blocked, 'phoneNumberId')).toBe(blocked);
  });

  it('leaves errors that are not platform errors alone', () => {
    const bug = new TypeError('bug');
    expect(ownershipRefusalOf(bug, 'phoneNumberId')).toBe(bug);
  });
});
