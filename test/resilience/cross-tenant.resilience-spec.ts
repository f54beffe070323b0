import type { Response as InjectResponse } from 'light-my-request';
import { newId } from '@core/database/ids';
import {
  metaMessages,
  metaMessagesWebhook,
  signMetaWebhook,
} from '@test/fakes/meta-graph/webhooks';
import type { MetaBusinessNumber } from '@test/fakes/meta-graph/webhooks';
import { eventually } from '@test/support/eventually';
import { createTenant } from '@test/support/test-app';
import { SHARED_PARAMETERS, estatePaths } from './support/estate-ids';
import { BodyOwner, exampleBody } from './support/example-body';
import { DocumentedRoute, documentedRoutes, pathParameters } from './support/openapi-routes';
import { printScenarioSummary } from './support/summary';
import {
  ESTATE_APP_SECRET,
  EstateWorld,
  TenantEstate,
  bodyOwner,
  buildTenantEstate,
  businessNumber,
  estateAccessToken,
  startEstateWorld,
  tenantRows,
} from './support/tenant-estate';

const PROBLEM_JSON = /^application\/problem\+json/;
const CREDENTIAL_NOT_ACCEPTED = 'AUTH.CREDENTIAL_NOT_ACCEPTED';

function bodyFor(route: DocumentedRoute, owner: BodyOwner): object | undefined {
  return route.body && (exampleBody(route.body, owner) as object);
}

interface CheckedCall {
  route: string;
  url: string;
  credential: string;
  status: number;
  code?: string;
  contentType?: string;
}

const describeCall = (call: CheckedCall) =>
  `${call.route} as ${call.credential}: ${call.url} -> ${call.status} ${call.code ?? ''}`;

/** Mutating calls last, deletions at the very end, so earlier calls still find what they need. */
const METHOD_ORDER = ['GET', 'PUT', 'PATCH', 'POST', 'DELETE'];

/**
 * Issue 6: "every tenant-scoped route called with another tenant's ids: 404 every time".
 * Tenants A and B each get real resources through the public routes; every documented route
 * with a path parameter is then called with B's credentials (API key and JWT) and each of A's
 * ids and names. A control call with B's own ids must NOT be 404, which proves the route and
 * the id mapping work, so the 404s are about ownership. Admin routes answer B 403 whatever the
 * id, and so do routes that take no JWT to B's JWT (AUTH.CREDENTIAL_NOT_ACCEPTED); public routes (platform webhooks) authenticate with the platform's credential, checked
 * with B's instance key against A's account.
 */
describe("Resilience: tenant routes called with another tenant's ids", () => {
  let world: EstateWorld;
  let alpha: TenantEstate;
  let bravo: TenantEstate;
  /** A number of a third business, known to Meta, that nobody has connected yet. */
  const unclaimedNumber = businessNumber(3);

  beforeAll(async () => {
    const numbers = [businessNumber(1), businessNumber(2)];
    world = await startEstateWorld([...numbers, unclaimedNumber]);
    alpha = await buildTenantEstate(world, 'alpha', numbers[0]);
    bravo = await buildTenantEstate(world, 'bravo', numbers[1]);
  }, 60_000);

  afterAll(async () => {
    await world?.close();
  });

  const send = (
    route: DocumentedRoute,
    url: string,
    headers: Record<string, string>,
    owner: BodyOwner,
  ): Promise<InjectResponse> => {
    const payload = bodyFor(route, owner);
    return world.app.inject({
      method: route.method,
      url,
      headers: payload ? { ...headers, 'content-type': 'application/json' } : headers,
      ...(payload ? { payload: JSON.stringify(payload) } : {}),
    });
  };

  const record = (
    route: DocumentedRoute,
    url: string,
    credential: string,
    response: InjectResponse,
  ): CheckedCall => ({
    route: `${route.method} ${route.path}`,
    url,
    credential,
    status: response.statusCode,
    code: PROBLEM_JSON.test(String(response.headers['content-type']))
      ? response.json<{ code?: string }>().code
      : undefined,
    contentType: String(response.headers['content-type']),
  });

  /** Platform requests that concern A's number, media, message or Evolution instance. */
  const platformCallsAbout = (estate: TenantEstate) => {
    const marks = [
      estate.number.phoneNumberId,
      estate.mediaId,
      estate.inboundWamid,
      estate.evolutionAccount.instanceName,
    ];
    const mentions = (text: string) => marks.some((mark) => text.includes(mark));
    return [...world.graph.requests, ...world.evolution.requests].filter((request) =>
      mentions(`${request.path} ${request.rawBody.toString()}`),
    ).length;
  };

  it('answers 404 to every call with the other tenant’s ids and leaves its data unchanged', async () => {
    const routes = (await documentedRoutes(world.app))
      .filter((route) => pathParameters(route).some((p) => !SHARED_PARAMETERS.has(p.name)))
      .sort(
        (x, y) =>
          METHOD_ORDER.indexOf(x.method) - METHOD_ORDER.indexOf(y.method) ||
          // A sub-resource's deletion before its parent's (a portal's line before the portal).
          (x.method === 'DELETE' ? y.path.length - x.path.length : 0),
      );
    const withCredentials = routes.filter((route) => route.needsCredentials);
    const platformRoutes = routes.filter((route) => !route.needsCredentials);

    const alphaBefore = await tenantRows(world.db, alpha.tenant.id);
    const alphaPlatformCallsBefore = platformCallsAbout(alpha);
    const credentials = { 'api-key': bravo.tenant.headers, jwt: bravo.jwtHeaders };

    const foreign: CheckedCall[] = [];
    for (const route of withCredentials) {
      for (const url of estatePaths(route, alpha)) {
        for (const [credential, headers] of Object.entries(credentials)) {
          const response = await send(route, url, headers, bodyOwner(bravo));
          foreign.push(record(route, url, credential, response));
        }
      }
    }
    // Platform webhooks carry the platform's credential, B's instance key here: a delivery
    // from B's instance to A's URL, and one claiming to be A's instance, both signed by B.
    const bravoKey = { apikey: bravo.evolutionAccount.instanceKey };
    const claimingAlpha = { ...bodyOwner(alpha), instanceKey: bravo.evolutionAccount.instanceKey };
    const platformCalls: CheckedCall[] = [];
    for (const route of platformRoutes) {
      for (const url of estatePaths(route, alpha)) {
        for (const [credential, owner] of Object.entries({
          "B's instance": bodyOwner(bravo),
          "B's key as A's instance": claimingAlpha,
        })) {
          platformCalls.push(
            record(route, url, credential, await send(route, url, bravoKey, owner)),
          );
        }
      }
    }
    const alphaAfter = await tenantRows(world.db, alpha.tenant.id);
    const alphaPlatformCallsAfter = platformCallsAbout(alpha);

    // Control calls with B's own ids: found (not 404), or refused by role (admin routes).
    // Platform routes first: the tenant routes end by deleting B's instance.
    const control: CheckedCall[] = [];
    for (const route of platformRoutes) {
      const [url] = estatePaths(route, bravo);
      control.push(
        record(route, url, "B's instance", await send(route, url, bravoKey, bodyOwner(bravo))),
      );
    }
    // Routes that take no JWT (creating or revoking API keys) refuse B's JWT before looking at
    // any id: its control call with B's own id must be refused the same way (and changes
    // nothing, so it runs before the API-key control calls that delete B's resources).
    const jwtRefusedRoutes = new Set(
      foreign
        .filter((call) => call.credential === 'jwt' && call.code === CREDENTIAL_NOT_ACCEPTED)
        .map((call) => call.route),
    );
    const jwtControl: CheckedCall[] = [];
    for (const route of withCredentials) {
      if (!jwtRefusedRoutes.has(`${route.method} ${route.path}`)) continue;
      const [url] = estatePaths(route, bravo);
      const response = await send(route, url, bravo.jwtHeaders, bodyOwner(bravo));
      jwtControl.push(record(route, url, 'jwt', response));
    }
    for (const route of withCredentials) {
      const [url] = estatePaths(route, bravo);
      const response = await send(route, url, bravo.tenant.headers, bodyOwner(bravo));
      control.push(record(route, url, 'api-key', response));
    }
    const adminOnly = new Set(
      control.filter((call) => call.code === 'AUTH.FORBIDDEN').map((call) => call.route),
    );
    const refusedJwt = (call: CheckedCall) =>
      call.credential === 'jwt' && jwtRefusedRoutes.has(call.route);
    const tenantScoped = foreign.filter((call) => !adminOnly.has(call.route) && !refusedJwt(call));
    const adminCalls = foreign.filter((call) => adminOnly.has(call.route));

    printScenarioSummary('cross-tenant', {
      routesChecked: new Set(tenantScoped.map((call) => call.route)).size,
      calls: tenantScoped.length,
      notFound404: tenantScoped.filter((call) => call.status === 404).length,
      adminRoutes: adminOnly.size,
      adminCalls403: adminCalls.filter((call) => call.status === 403).length,
      jwtRefusedRoutes: jwtRefusedRoutes.size,
      platformRoutes: new Set(platformCalls.map((call) => call.route)).size,
      platformCallsRefused: platformCalls.filter((call) => call.status >= 400).length,
      alphaUnchanged: alphaAfter === alphaBefore,
    });

    expect(control.filter((call) => call.status === 404).map(describeCall)).toEqual([]);
    expect(
      jwtControl
        .filter((call) => call.status !== 403 || call.code !== CREDENTIAL_NOT_ACCEPTED)
        .map(describeCall),
    ).toEqual([]);
    expect(tenantScoped.length).toBeGreaterThan(0);
    expect(
      tenantScoped
        .filter((call) => call.status !== 404 || !PROBLEM_JSON.test(call.contentType ?? ''))
        .map(describeCall),
    ).toEqual([]);
    expect(adminCalls.filter((call) => call.status !== 403).map(describeCall)).toEqual([]);
    expect(
      platformCalls.filter((call) => ![401, 404].includes(call.status)).map(describeCall),
    ).toEqual([]);
    expect(alphaAfter).toEqual(alphaBefore);
    expect(alphaPlatformCallsAfter).toBe(alphaPlatformCallsBefore);
  }, 60_000);

  /** B claims `number` through the connect route; what the answers say and whether they name `victim`. */
  const claimAs = async (
    claimant: TenantEstate,
    number: MetaBusinessNumber,
    victimMarks: readonly string[],
  ) => {
    const attempts = {
      'a junk token': { wabaId: number.wabaId, accessToken: 'EAAGjunk-hijack-token-0123456789' },
      "the claimant's own valid token for its own WABA": {
        wabaId: claimant.number.wabaId,
        accessToken: estateAccessToken(claimant.number),
      },
      "the claimant's own valid token with the number's WABA": {
        wabaId: number.wabaId,
        accessToken: estateAccessToken(claimant.number),
      },
    };
    const answers = [];
    for (const [label, claim] of Object.entries(attempts)) {
      const response = await world.app.inject({
        method: 'POST',
        url: '/api/v2/whatsapp/accounts',
        headers: claimant.tenant.headers,
        payload: { name: `hijack-${newId()}`, phoneNumberId: number.phoneNumberId, ...claim },
      });
      answers.push({
        label,
        status: response.statusCode,
        code: response.json<{ code?: string }>().code,
        problemJson: PROBLEM_JSON.test(String(response.headers['content-type'])),
        namesVictim: victimMarks.filter((mark) => response.body.includes(mark)),
      });
    }
    return answers;
  };

  /** Refused as a claim that cannot be proven, so it tells nothing about who holds the number. */
  const notRefusedAsUnproven = (answers: Awaited<ReturnType<typeof claimAs>>) =>
    answers.filter(
      (answer) =>
        answer.status < 400 ||
        answer.status >= 500 ||
        !answer.problemJson ||
        answer.namesVictim.length > 0 ||
        !['CHANNEL_ACCOUNT.CREDENTIALS_REJECTED', 'CHANNEL_ACCOUNT.NOT_OWNED'].includes(
          answer.code ?? '',
        ),
    );

  const holdersOf = async (number: MetaBusinessNumber) =>
    (
      await world.db.query<{ tenant_id: string }[]>(
        `SELECT tenant_id FROM channel_accounts WHERE provider = 'meta-cloud' AND external_id = $1`,
        [number.phoneNumberId],
      )
    ).map((row) => row.tenant_id);

  /** A signed Meta delivery for `number`; the tenants its message was stored for. */
  const deliverTo = async (number: MetaBusinessNumber) => {
    const wamid = `wamid.${newId()}`;
    const waId = `55119${number.phoneNumberId.slice(-8)}`;
    const raw = JSON.stringify(
      metaMessagesWebhook(number, { waId }, metaMessages.text({ from: waId, id: wamid }, 'mine')),
    );
    const delivered = await world.app.inject({
      method: 'POST',
      url: '/webhooks/meta',
      headers: {
        'content-type': 'application/json',
        'x-hub-signature-256': signMetaWebhook(raw, ESTATE_APP_SECRET),
      },
      payload: raw,
    });
    expect(delivered.statusCode).toBe(200);
    return eventually(async () => {
      const rows: { tenant_id: string }[] = await world.db.query(
        `SELECT tenant_id FROM messages WHERE provider_message_id = $1`,
        [wamid],
      );
      expect(rows).toHaveLength(1);
      return rows.map((row) => row.tenant_id);
    });
  };

  it("refuses B connecting another tenant's number, before or after its owner did, naming nobody", async () => {
    // A's number, connected by A: B's claims must not even reveal that it is taken.
    const alphaBefore = await tenantRows(world.db, alpha.tenant.id);
    const alphaMarks = [alpha.tenant.id, alpha.cloudAccount.id, alpha.cloudAccount.name, 'alpha'];
    const onAlpha = await claimAs(bravo, alpha.number, alphaMarks);
    const alphaAfter = await tenantRows(world.db, alpha.tenant.id);
    const alphaHolders = await holdersOf(alpha.number);
    const landedInAlpha = await deliverTo(alpha.number);

    // A number whose owner has not connected it yet: the original hijack. B tries first; the
    // owner connects afterwards and receives its own deliveries.
    const unclaimed = unclaimedNumber;
    const onUnclaimed = await claimAs(bravo, unclaimed, []);
    const unclaimedHoldersAfterHijack = await holdersOf(unclaimed);
    const owner = await createTenant(world.app, `Estate owner ${newId()}`);
    const ownerConnect = await world.app.inject({
      method: 'POST',
      url: '/api/v2/whatsapp/accounts',
      headers: owner.headers,
      payload: {
        name: 'owner-line',
        phoneNumberId: unclaimed.phoneNumberId,
        wabaId: unclaimed.wabaId,
        accessToken: estateAccessToken(unclaimed),
      },
    });
    const landedInOwner = await deliverTo(unclaimed);

    printScenarioSummary('cross-tenant-hijack', {
      attempts: onAlpha.length + onUnclaimed.length,
      refusedAsUnproven:
        onAlpha.length +
        onUnclaimed.length -
        notRefusedAsUnproven(onAlpha).length -
        notRefusedAsUnproven(onUnclaimed).length,
      namingTheOwner: onAlpha.filter((answer) => answer.namesVictim.length > 0).length,
      alphaUnchanged: alphaAfter === alphaBefore,
      ownerConnected: ownerConnect.statusCode,
      deliveriesLandedWithOwners:
        landedInAlpha[0] === alpha.tenant.id && landedInOwner[0] === owner.id,
    });

    expect(notRefusedAsUnproven(onAlpha)).toEqual([]);
    expect(alphaHolders).toEqual([alpha.tenant.id]);
    expect(alphaAfter).toEqual(alphaBefore);
    expect(landedInAlpha).toEqual([alpha.tenant.id]);

    expect(notRefusedAsUnproven(onUnclaimed)).toEqual([]);
    expect(unclaimedHoldersAfterHijack).toEqual([]);
    expect(ownerConnect.statusCode).toBe(201);
    expect(landedInOwner).toEqual([owner.id]);
  }, 60_000);
});
