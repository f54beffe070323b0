import type { AccountClaim } from '@core/channel/account-ownership';
import { DomainError } from '@core/errors/domain-error';
import { toProblem } from '@core/errors/to-problem';
import { MetaCloudProvider } from '@app/whatsapp/meta-cloud/meta-cloud.provider';
import type { MetaGraphFake, MetaGraphFakeAccount } from '@test/fakes/meta-graph/meta-graph-fake';
import {
  CLINIC,
  GRAPH_VERSION,
  SHOP,
  SHOP_SECOND_NUMBER,
  startMetaCloud,
} from './meta-cloud-harness';

/** A number of SHOP's business on a second WABA, reachable with SHOP's token. */
const SHOP_OTHER_WABA: MetaGraphFakeAccount = {
  ...SHOP,
  phoneNumberId: '106540352242988',
  wabaId: '102290129340777',
};

function claimOf(
  number: MetaGraphFakeAccount,
  override: Partial<{ accessToken: string; wabaId: string; phoneNumberId: string }> = {},
): AccountClaim {
  return {
    tenantId: 'tenant-1',
    name: 'main-line',
    externalId: override.phoneNumberId ?? number.phoneNumberId,
    credentials: {
      accessToken: override.accessToken ?? number.accessToken,
      wabaId: override.wabaId ?? number.wabaId,
    },
  };
}

/** The problem+json the connect route would answer for the refusal. */
async function refusalOf(promise: Promise<unknown>) {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DomainError);
  const { body, headers } = toProblem(error, 'trace-1');
  return { status: body.status, code: body.code, errors: body.errors, headers };
}

describe('MetaCloudProvider ownership proof (connecting a number)', () => {
  let fake: MetaGraphFake;
  let provider: MetaCloudProvider;
  let close: () => Promise<void>;

  beforeAll(async () => {
    const started = await startMetaCloud(
      { accounts: [SHOP, SHOP_SECOND_NUMBER, SHOP_OTHER_WABA, CLINIC], phoneNumberPageSize: 1 },
      { HTTP_TIMEOUT_MS: '1000' },
    );
    ({ fake, close } = started);
    provider = started.moduleRef.get(MetaCloudProvider);
  });

  afterAll(async () => close?.());

  it('accepts a number its token acts for and its WABA lists, asking Graph with that token', async () => {
    const before = fake.requests.length;
    await provider.proveOwnership(claimOf(SHOP));
    const asked = fake.requests.slice(before);
    expect(asked[0]).toMatchObject({
      method: 'GET',
      path: `/${GRAPH_VERSION}/${SHOP.phoneNumberId}`,
      query: { fields: 'id,display_phone_number,verified_name' },
    });
    expect(asked[1]).toMatchObject({
      method: 'GET',
      path: `/${GRAPH_VERSION}/${SHOP.wabaId}/phone_numbers`,
      query: { fields: 'id', limit: '100' },
    });
    for (const request of asked) {
      expect(request.headers.authorization).toBe(`Bearer ${SHOP.accessToken}`);
    }
  });

  it('follows the WABA listing page by page with the after cursor', async () => {
    const before = fake.requests.length;
    // One number a page: SHOP's WABA lists SHOP first, SHOP_SECOND_NUMBER on page two.
    await provider.proveOwnership(claimOf(SHOP_SECOND_NUMBER));
    const listings = fake.requests.slice(before).filter((r) => r.path.endsWith('/phone_numbers'));
    expect(listings).toHaveLength(2);
    expect(listings[0].query.after).toBeUndefined();
    expect(listings[1].query.after).toEqual(expect.any(String));
  });

  it('refuses a junk token with 422 CREDENTIALS_REJECTED naming accessToken', async () => {
    const refusal = await refusalOf(
      provider.proveOwnership(claimOf(SHOP, { accessToken: 'EAAGjunkjunkjunkjunkjunk' })),
    );
    expect(refusal).toMatchObject({
      status: 422,
      code: 'CHANNEL_ACCOUNT.CREDENTIALS_REJECTED',
      errors: [{ field: 'accessToken' }],
    });
  });

  it("refuses another business's valid token for the number with 422 NOT_OWNED naming phoneNumberId", async () => {
    const refusal = await refusalOf(
      provider.proveOwnership(
        claimOf(SHOP, { accessToken: CLINIC.accessToken, wabaId: CLINIC.wabaId }),
      ),
    );
    expect(refusal).toMatchObject({
      status: 422,
      code: 'CHANNEL_ACCOUNT.NOT_OWNED',
      errors: [{ field: 'phoneNumberId' }],
    });
  });

  it('refuses a WABA the token cannot see with 422 NOT_OWNED naming wabaId', async () => {
    const refusal = await refusalOf(
      provider.proveOwnership(claimOf(SHOP, { wabaId: CLINIC.wabaId })),
    );
    expect(refusal).toMatchObject({
      status: 422,
      code: 'CHANNEL_ACCOUNT.NOT_OWNED',
      errors: [{ field: 'wabaId' }],
    });
  });

  it('refuses a number that is not listed under the WABA given, even when the token sees both', async () => {
    const refusal = await refusalOf(
      provider.proveOwnership(claimOf(SHOP_OTHER_WABA, { wabaId: SHOP.wabaId })),
    );
    expect(refusal).toMatchObject({
      status: 422,
      code: 'CHANNEL_ACCOUNT.NOT_OWNED',
      errors: [{ field: 'wabaId' }],
    });
  });

  it.each([10, 200, 3])(
    'refuses a token without the permission (Meta code %i) with 403 PERMISSION_MISSING',
    async (code) => {
      fake.failNext(1, code);
      const refusal = await refusalOf(provider.proveOwnership(claimOf(SHOP)));
      expect(refusal).toMatchObject({
        status: 403,
        code: 'CHANNEL_ACCOUNT.PERMISSION_MISSING',
        errors: [{ field: 'accessToken' }],
      });
    },
  );

  it.each([
    ['Meta failing (131000)', 131000 as const],
    ['Meta throttling the app (4)', 4 as const],
    ['a proxy answering an HTML 502', { status: 502, body: '<html>Bad Gateway</html>' }],
    ['Meta too slow to answer', { status: 200, body: {}, delayMs: 2_000 }],
  ])('answers 503 PLATFORM_UNAVAILABLE with Retry-After for %s, never 500', async (_, failure) => {
    fake.failNext(1, failure);
    const refusal = await refusalOf(provider.proveOwnership(claimOf(SHOP)));
    expect(refusal.status).toBe(503);
    expect(refusal.code).toBe('CHANNEL_ACCOUNT.PLATFORM_UNAVAILABLE');
    expect(Number(refusal.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('answers 503 when Graph cannot be reached at all', async () => {
    const unreachable = await startMetaCloud({}, {});
    const proof = unreachable.moduleRef.get(MetaCloudProvider);
    await unreachable.fake.close();
    try {
      const refusal = await refusalOf(proof.proveOwnership(claimOf(SHOP)));
      expect(refusal).toMatchObject({ status: 503, code: 'CHANNEL_ACCOUNT.PLATFORM_UNAVAILABLE' });
    } finally {
      await unreachable.moduleRef.close();
    }
  });
});
