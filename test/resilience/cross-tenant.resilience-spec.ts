import type { Response as InjectResponse } from 'light-my-request';
import { estatePaths } from './support/estate-ids';
import { BodyOwner, exampleBody } from './support/example-body';
import { DocumentedRoute, documentedRoutes, pathParameters } from './support/openapi-routes';
import { printScenarioSummary } from './support/summary';
import {
  EstateWorld,
  TenantEstate,
  bodyOwner,
  buildTenantEstate,
  businessNumber,
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

  beforeAll(async () => {
    const numbers = [businessNumber(1), businessNumber(2)];
    world = await startEstateWorld(numbers);
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
      .filter((route) => pathParameters(route).length > 0)
      .sort((x, y) => METHOD_ORDER.indexOf(x.method) - METHOD_ORDER.indexOf(y.method));
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
});
