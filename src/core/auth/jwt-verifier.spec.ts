import { SignJWT } from 'jose';
import { loadConfig } from '@config/load-config';
import { UnauthenticatedError } from '@core/errors/domain-error';
import { JwtVerifier } from './jwt-verifier';

const SECRET = 'unit-jwt-secret-0123456789abcdefghijklmnop';
const TENANT = '01900000-0000-7000-8000-000000000001';
const HOUR = 3600;

const verifier = new JwtVerifier(
  loadConfig({
    DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/omnihub',
    REDIS_URL: 'redis://127.0.0.1:6379',
    ADMIN_API_KEY: 'a'.repeat(40),
    SECRETS_KEYS: `k1:${Buffer.alloc(32, 7).toString('base64')}`,
    JWT_SECRET: SECRET,
    JWT_MAX_AGE_SECONDS: String(HOUR),
  }),
);

const now = () => Math.floor(Date.now() / 1000);

function sign(claims: { iat?: number; exp?: number }): Promise<string> {
  const jwt = new SignJWT({ tenant_id: TENANT }).setProtectedHeader({ alg: 'HS256' });
  if (claims.iat !== undefined) jwt.setIssuedAt(claims.iat);
  if (claims.exp !== undefined) jwt.setExpirationTime(claims.exp);
  return jwt.sign(new TextEncoder().encode(SECRET));
}

async function refusal(token: Promise<string>): Promise<UnauthenticatedError> {
  const error: unknown = await verifier.verify(await token).catch((e: unknown) => e);
  if (!(error instanceof UnauthenticatedError)) throw new Error('expected the token refused');
  return error;
}

describe('JwtVerifier', () => {
  it('accepts a token that expires within JWT_MAX_AGE_SECONDS', async () => {
    const token = await sign({ iat: now(), exp: now() + HOUR });
    await expect(verifier.verify(token)).resolves.toEqual({ tenantId: TENANT });
  });

  it('refuses a token without exp, which would never expire', async () => {
    const error = await refusal(sign({ iat: now() }));
    expect(error.code).toBe('AUTH.INVALID_TOKEN');
  });

  it('refuses a token issued for longer than the maximum, even near its end', async () => {
    const error = await refusal(sign({ iat: now() - 10 * HOUR, exp: now() + 60 }));
    expect(error.code).toBe('AUTH.INVALID_TOKEN');
    expect(error.message).toMatch(/longer than the 3600 s/);
  });

  it('refuses a token without iat that expires beyond the maximum from now', async () => {
    expect((await refusal(sign({ exp: now() + 2 * HOUR }))).code).toBe('AUTH.INVALID_TOKEN');
    await expect(verifier.verify(await sign({ exp: now() + HOUR }))).resolves.toBeDefined();
  });

  it('does not let a future iat stretch the lifetime', async () => {
    const issuedLater = now() + 365 * 24 * HOUR;
    const error = await refusal(sign({ iat: issuedLater, exp: issuedLater + 60 }));
    expect(error.code).toBe('AUTH.INVALID_TOKEN');
  });
});
