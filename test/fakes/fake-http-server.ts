import {
  IncomingHttpHeaders,
  IncomingMessage,
  Server,
  ServerResponse,
  createServer,
} from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** Everything the fake received for one request, for exact assertions. */
export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string | string[]>;
  /** Values of `:name` segments of the matched route. */
  params: Record<string, string>;
  headers: IncomingHttpHeaders;
  rawBody: Buffer;
  /** The body parsed as JSON when it is JSON, else undefined. */
  json?: unknown;
  /** When the fake had read the whole request (Date.now()), for spacing and ordering checks. */
  receivedAt: number;
  /** What the fake answered (or, while a delayed answer is pending, will answer). */
  answer?: { status: number; headers: Record<string, string>; delayMs: number };
}

/** A scripted answer. Objects are sent as JSON, strings and Buffers as they are. */
export interface FakeResponse {
  status?: number;
  headers?: Record<string, string>;
  body?: unknown;
  /** Wait this long before answering (timeouts); the wait ends early when the fake closes. */
  delayMs?: number;
  /**
   * A slow download: instead of `body`, these pieces are written one by one, `gapMs`
   * apart, so the client reads them as separate chunks.
   */
  pieces?: { data: readonly Buffer[]; gapMs: number };
}

export type FakeResponder =
  FakeResponse | ((request: RecordedRequest) => FakeResponse | Promise<FakeResponse>);

interface Route {
  method: string;
  pattern: RegExp;
  paramNames: string[];
  always?: FakeResponder;
  queued: FakeResponder[];
}

/**
 * A small platform stand-in on node:http for integration tests: a route table by method and
 * path (`/v21.0/:phoneNumberId/messages`), scripted answers (`reply` for every call, `replyOnce`
 * for a sequence, consumed first), a record of every request, and a count of TCP connections
 * so keep-alive reuse is observable. Unmatched requests are recorded and answered 404.
 *
 * ```ts
 * const meta = await FakeHttpServer.start();
 * meta
 *   .replyOnce('POST', '/v21.0/:id/messages', { status: 500 })
 *   .reply('POST', '/v21.0/:id/messages', { body: { messages: [{ id: 'wamid.1' }] } });
 * // ... point the provider at meta.url, act, then assert on meta.requestsTo(...)
 * await meta.close();
 * ```
 */
export class FakeHttpServer {
  readonly requests: RecordedRequest[] = [];
  private readonly routes: Route[] = [];
  private readonly pendingTimers = new Set<{ timer: NodeJS.Timeout; resolve: () => void }>();
  private connections = 0;

  private constructor(private readonly server: Server) {}

  static async start(): Promise<FakeHttpServer> {
    const server = createServer();
    const fake = new FakeHttpServer(server);
    server.on('connection', (_socket: Socket) => (fake.connections += 1));
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      fake.handle(req, res).catch((error: unknown) => {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(`fake failed: ${String(error)}`);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return fake;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** TCP connections accepted since start (or the last reset). */
  get connectionCount(): number {
    return this.connections;
  }

  /** Answers every matching request with `responder` (after any queued `replyOnce`). */
  reply(method: string, path: string, responder: FakeResponder): this {
    this.route(method, path).always = responder;
    return this;
  }

  /** Answers the next matching request with `responder`; calls queue up in order. */
  replyOnce(method: string, path: string, responder: FakeResponder): this {
    this.route(method, path).queued.push(responder);
    return this;
  }

  requestsTo(method: string, path: string): RecordedRequest[] {
    const { pattern } = compile(path);
    return this.requests.filter((r) => r.method === method.toUpperCase() && pattern.test(r.path));
  }

  lastRequest(): RecordedRequest {
    const last = this.requests.at(-1);
    if (!last) throw new Error('The fake has received no request');
    return last;
  }

  /** Forgets requests, routes and the connection count (open connections stay open). */
  reset(): void {
    this.requests.length = 0;
    this.routes.length = 0;
    this.connections = 0;
  }

  async close(): Promise<void> {
    for (const pending of this.pendingTimers) {
      clearTimeout(pending.timer);
      pending.resolve();
    }
    this.pendingTimers.clear();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private route(method: string, path: string): Route {
    const upper = method.toUpperCase();
    const { pattern, paramNames } = compile(path);
    let route = this.routes.find((r) => r.method === upper && r.pattern.source === pattern.source);
    if (!route) {
      route = { method: upper, pattern, paramNames, queued: [] };
      this.routes.push(route);
    }
    return route;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const url = new URL(req.url ?? '/', 'http://fake.local');
    const rawBody = Buffer.concat(chunks);
    const recorded: RecordedRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: queryOf(url.searchParams),
      params: {},
      headers: req.headers,
      rawBody,
      json: parseJson(rawBody),
      receivedAt: Date.now(),
    };
    this.requests.push(recorded);

    const route = this.routes.find(
      (r) => r.method === recorded.method && r.pattern.test(url.pathname),
    );
    const responder = route ? (route.queued.shift() ?? route.always) : undefined;
    if (!route || !responder) {
      return send(res, {
        status: 404,
        body: { error: { message: `No fake route for ${recorded.method} ${url.pathname}` } },
      });
    }
    const match = route.pattern.exec(url.pathname);
    route.paramNames.forEach(
      (name, i) => (recorded.params[name] = decodeURIComponent(match?.[i + 1] ?? '')),
    );
    const answer = typeof responder === 'function' ? await responder(recorded) : responder;
    recorded.answer = {
      status: answer.status ?? 200,
      headers: answer.headers ?? {},
      delayMs: answer.delayMs ?? 0,
    };
    if (answer.delayMs) await this.wait(answer.delayMs);
    if (res.destroyed) return;
    if (!answer.pieces) return send(res, answer);
    res.writeHead(answer.status ?? 200, answer.headers ?? {});
    for (const piece of answer.pieces.data) {
      if (res.destroyed) return;
      res.write(piece);
      await this.wait(answer.pieces.gapMs);
    }
    res.end();
  }

  private wait(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const pending = {
        resolve,
        timer: setTimeout(() => {
          this.pendingTimers.delete(pending);
          resolve();
        }, ms),
      };
      this.pendingTimers.add(pending);
    });
  }
}

function compile(path: string): { pattern: RegExp; paramNames: string[] } {
  const paramNames: string[] = [];
  const source = path
    .split('/')
    .map((segment) => {
      if (!segment.startsWith(':')) return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      paramNames.push(segment.slice(1));
      return '([^/]+)';
    })
    .join('/');
  return { pattern: new RegExp(`^${source}$`), paramNames };
}

function send(res: ServerResponse, answer: FakeResponse): void {
  const { status = 200, headers = {}, body } = answer;
  const isRaw = typeof body === 'string' || Buffer.isBuffer(body);
  const payload = body === undefined ? '' : isRaw ? body : JSON.stringify(body);
  const contentType = body === undefined || isRaw ? {} : { 'content-type': 'application/json' };
  res.writeHead(status, { ...contentType, ...headers });
  res.end(payload);
}

function queryOf(params: URLSearchParams): Record<string, string | string[]> {
  const query: Record<string, string | string[]> = {};
  for (const key of new Set(params.keys())) {
    const values = params.getAll(key);
    query[key] = values.length === 1 ? values[0] : values;
  }
  return query;
}

function parseJson(raw: Buffer): unknown {
  if (raw.length === 0) return undefined;
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch {
    return undefined;
  }
}
