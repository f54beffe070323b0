import { randomBytes } from 'node:crypto';
import { FakeHttpServer, FakeResponse, RecordedRequest } from '../fake-http-server';
import { fromPhpForm, listOf } from './php-form';
import { BitrixRestMethods, FakePortal } from './bitrix24-methods';

export type { FakePortal } from './bitrix24-methods';

/** An application registered in the Bitrix24 partner/local-app catalogue. */
export interface FakeApp {
  clientId: string;
  clientSecret: string;
}

/** One REST call as the fake understood it (after auth), for exact assertions. */
export interface RestCall {
  portal: string;
  method: string;
  params: Record<string, unknown>;
  /** 'json' or 'form' or 'query': how the parameters came. */
  encoding: 'json' | 'form' | 'query';
  /** Set for the commands of a `batch`: the batch's own request number. */
  inBatch?: number;
  request: number;
}

const ACCESS_TTL_MS = 3_600_000;
/** Bitrix24's leaky bucket for non-Enterprise plans: X = 50, drains Y = 2 per second. */
const BUCKET_SIZE = 50;
const DRAIN_PER_SECOND = 2;

/**
 * Bitrix24 for tests (see CONTRACT.md): the OAuth server (`/oauth/token/`, rotating refresh
 * tokens, 1 h access tokens), any number of portals with REST at `<url>/<portal>/rest/<method>`
 * (JSON, form or query parameters, `auth` in any of them), `batch`, the imconnector/CRM/event
 * methods Omnihub uses, and the leaky-bucket limit answering 503 QUERY_LIMIT_EXCEEDED.
 */
export class Bitrix24Fake {
  readonly portals = new Map<string, FakePortal>();
  readonly calls: RestCall[] = [];
  /** Every REST request answered 503 QUERY_LIMIT_EXCEEDED. */
  limited = 0;
  /** Token endpoint grants, by kind, for "refreshed exactly once" checks. */
  readonly grants: { grantType: string; portal?: string; outcome: string }[] = [];
  /** Set to false to switch the leaky bucket off (e.g. while seeding). */
  rateLimited = true;
  private requestCount = 0;
  private readonly methods = new BitrixRestMethods();
  private readonly codes = new Map<string, string>();

  private constructor(
    readonly server: FakeHttpServer,
    readonly app: FakeApp,
  ) {}

  static async start(app: FakeApp): Promise<Bitrix24Fake> {
    const server = await FakeHttpServer.start();
    const fake = new Bitrix24Fake(server, app);
    const token = (request: RecordedRequest) => fake.token(request);
    server.reply('GET', '/oauth/token/', token).reply('POST', '/oauth/token/', token);
    const rest = (request: RecordedRequest) => fake.rest(request);
    server.reply('POST', '/:portal/rest/:method', rest).reply('GET', '/:portal/rest/:method', rest);
    return fake;
  }

  /** The OAuth server's root: what Omnihub's BITRIX_OAUTH_URL names. */
  get oauthUrl(): string {
    return `${this.server.url}/oauth/`;
  }

  portalUrl(name: string): string {
    return `${this.server.url}/${name}`;
  }

  /** A portal with the app installed, as ONAPPINSTALL describes it (tokens fresh). */
  addPortal(name: string): FakePortal {
    const portal: FakePortal = {
      name,
      memberId: randomBytes(16).toString('hex'),
      applicationToken: randomBytes(16).toString('hex'),
      accessTokens: new Map(),
      refreshToken: '',
      connectors: new Map(),
      contacts: [],
      chats: new Map(),
      messages: [],
      statuses: [],
      systemMessages: [],
      bindings: [],
      bucket: { level: 0, at: Date.now() },
    };
    this.portals.set(name, portal);
    this.issueTokens(portal);
    return portal;
  }

  /** The `auth` block Bitrix24 sends with ONAPPINSTALL and every event. */
  authOf(name: string): Record<string, string> {
    const portal = this.portal(name);
    const [accessToken] = [...portal.accessTokens.keys()].slice(-1);
    return {
      access_token: accessToken,
      expires: String(Math.floor((Date.now() + ACCESS_TTL_MS) / 1000)),
      expires_in: '3600',
      scope: 'imconnector,imopenlines,crm,im,placement,event',
      domain: new URL(this.portalUrl(name)).host,
      server_endpoint: this.oauthUrl.replace(/oauth\/$/, 'rest/'),
      status: 'L',
      client_endpoint: `${this.portalUrl(name)}/rest/`,
      member_id: portal.memberId,
      user_id: '1',
      refresh_token: portal.refreshToken,
      application_token: portal.applicationToken,
    };
  }

  /** An authorization code for the code flow (as the portal's /oauth/authorize/ redirect gives). */
  authorizationCode(name: string): string {
    const code = `code-${randomBytes(8).toString('hex')}`;
    this.codes.set(code, name);
    return code;
  }

  /** Every access token of the portal expires now (Bitrix24 answers `expired_token`). */
  expireAccessTokens(name: string): void {
    for (const key of this.portal(name).accessTokens.keys()) {
      this.portal(name).accessTokens.set(key, 0);
    }
  }

  /** The portal's calls of `method`, batch commands included. */
  callsOf(name: string, method: string): RestCall[] {
    return this.calls.filter((c) => c.portal === name && c.method === method);
  }

  /** HTTP requests that reached the portal's REST (a batch counts once). */
  requestsTo(name: string): RecordedRequest[] {
    return this.server.requests.filter((r) => r.path.startsWith(`/${name}/rest/`));
  }

  close(): Promise<void> {
    return this.server.close();
  }

  portal(name: string): FakePortal {
    const portal = this.portals.get(name);
    if (!portal) throw new Error(`No fake portal ${name}`);
    return portal;
  }

  private issueTokens(portal: FakePortal): Record<string, unknown> {
    const access = `at-${portal.name}-${randomBytes(12).toString('hex')}`;
    portal.accessTokens.set(access, Date.now() + ACCESS_TTL_MS);
    // Rotation: the refresh token just used (or any earlier one) is no longer valid.
    portal.refreshToken = `rt-${portal.name}-${randomBytes(12).toString('hex')}`;
    return {
      access_token: access,
      expires: Math.floor((Date.now() + ACCESS_TTL_MS) / 1000),
      expires_in: 3600,
      scope: 'app',
      domain: 'oauth.bitrix.info',
      server_endpoint: this.oauthUrl.replace(/oauth\/$/, 'rest/'),
      status: 'L',
      client_endpoint: `${this.portalUrl(portal.name)}/rest/`,
      member_id: portal.memberId,
      user_id: 1,
      refresh_token: portal.refreshToken,
    };
  }

  private token(request: RecordedRequest): FakeResponse {
    const params = { ...request.query, ...fromPhpForm(request.rawBody.toString('utf8')) } as Record<
      string,
      string
    >;
    const grantType = params.grant_type;
    const fail = (error: string, description: string, portal?: string): FakeResponse => {
      this.grants.push({ grantType, portal, outcome: error });
      return { status: 400, body: { error, error_description: description } };
    };
    if (params.client_id !== this.app.clientId || params.client_secret !== this.app.clientSecret) {
      return fail('invalid_client', 'Invalid client credentials');
    }
    if (grantType === 'refresh_token') {
      const portal = [...this.portals.values()].find(
        (p) => p.refreshToken === params.refresh_token,
      );
      if (!portal) return fail('invalid_grant', 'Invalid refresh token');
      this.grants.push({ grantType, portal: portal.name, outcome: 'ok' });
      return { body: this.issueTokens(portal) };
    }
    if (grantType === 'authorization_code') {
      const name = this.codes.get(params.code);
      this.codes.delete(params.code);
      if (!name) return fail('invalid_grant', 'Invalid authorization code');
      this.grants.push({ grantType, portal: name, outcome: 'ok' });
      return { body: this.issueTokens(this.portal(name)) };
    }
    return fail('unsupported_grant_type', 'Unsupported grant type');
  }

  private rest(request: RecordedRequest): FakeResponse {
    const portal = this.portals.get(request.params.portal);
    if (!portal) return { status: 404, body: { error: 'NOT_FOUND', error_description: 'Portal' } };
    if (this.rateLimited && !this.leak(portal)) {
      this.limited += 1;
      return {
        status: 503,
        body: { error: 'QUERY_LIMIT_EXCEEDED', error_description: 'Too many requests' },
      };
    }
    const { params, encoding } = paramsOf(request);
    const auth = typeof params.auth === 'string' ? params.auth : '';
    delete params.auth;
    const expiresAt = portal.accessTokens.get(auth);
    if (expiresAt === undefined) {
      return {
        status: 401,
        body: { error: 'invalid_token', error_description: 'Unable to authorize' },
      };
    }
    if (expiresAt <= Date.now()) {
      return {
        status: 401,
        body: {
          error: 'expired_token',
          error_description: 'The access token provided has expired.',
        },
      };
    }
    const number = (this.requestCount += 1);
    const method = request.params.method.replace(/\.json$/, '');
    if (method === 'batch') return { body: this.batch(portal, params, number) };
    this.calls.push({ portal: portal.name, method, params, encoding, request: number });
    const outcome = this.methods.call(portal, method, params);
    if ('error' in outcome) return { status: outcome.status, body: outcome.error };
    return { body: { result: outcome.result, time: restTime() } };
  }

  /** `batch`: each `cmd` is `method?query`; `halt` = 1 stops at the first error. */
  private batch(portal: FakePortal, params: Record<string, unknown>, number: number): unknown {
    const cmds = (params.cmd ?? {}) as Record<string, string>;
    const halt = params.halt === '1' || params.halt === 1 || params.halt === true;
    const result: Record<string, unknown> = {};
    const errors: Record<string, unknown> = {};
    const entries = Object.entries(cmds);
    if (entries.length > 50) {
      return {
        error: 'ERROR_BATCH_LENGTH_EXCEEDED',
        error_description: 'Max batch length exceeded',
      };
    }
    for (const [key, command] of entries) {
      const [method, query = ''] = command.split('?');
      const args = fromPhpForm(query);
      this.calls.push({
        portal: portal.name,
        method,
        params: args,
        encoding: 'query',
        inBatch: number,
        request: number,
      });
      const outcome = this.methods.call(portal, method, args);
      if ('error' in outcome) {
        errors[key] = outcome.error;
        if (halt) break;
      } else result[key] = outcome.result;
    }
    return {
      result: { result, result_error: errors, result_total: [], result_next: [], result_time: {} },
      time: restTime(),
    };
  }

  /** One request into the portal's bucket; false when it is full (the request is refused). */
  private leak(portal: FakePortal): boolean {
    const now = Date.now();
    const drained = ((now - portal.bucket.at) / 1000) * DRAIN_PER_SECOND;
    portal.bucket = { level: Math.max(0, portal.bucket.level - drained), at: now };
    if (portal.bucket.level + 1 > BUCKET_SIZE) return false;
    portal.bucket.level += 1;
    return true;
  }
}

function paramsOf(request: RecordedRequest): {
  params: Record<string, unknown>;
  encoding: RestCall['encoding'];
} {
  const type = String(request.headers['content-type'] ?? '');
  const query = fromPhpForm(
    new URLSearchParams(request.query as Record<string, string>).toString(),
  );
  if (type.startsWith('application/json')) {
    return { params: { ...query, ...(request.json as Record<string, unknown>) }, encoding: 'json' };
  }
  if (type.startsWith('application/x-www-form-urlencoded')) {
    return {
      params: { ...query, ...fromPhpForm(request.rawBody.toString('utf8')) },
      encoding: 'form',
    };
  }
  return { params: query, encoding: 'query' };
}

function restTime(): Record<string, number> {
  const now = Date.now() / 1000;
  return { start: now, finish: now, duration: 0, processing: 0 };
}

export { listOf };
