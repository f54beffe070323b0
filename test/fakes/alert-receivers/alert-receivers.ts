import { createServer, Server } from 'node:https';
import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { RECEIVER_CA } from '@test/fakes/webhook-receiver/webhook-receiver';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const KEY = readFileSync(join(__dirname, '..', 'webhook-receiver', 'tls', 'key.pem'));

/**
 * What a hook answers next, in turn (the last repeats): 'ok' is the platform's success
 * (Slack 200 `ok`, Discord 204), a number any other status, 'hang' never answers, and
 * `{ rateLimitedFor }` Discord's 429 with `retry_after` in seconds.
 */
type Kind = 'slack' | 'discord' | 'webhook';

export type ReceiverAnswer = 'ok' | 'hang' | number | { rateLimitedFor: number };

export interface ReceivedAlert {
  hook: string;
  kind: Kind;
  headers: IncomingHttpHeaders;
  body: Record<string, unknown>;
  /** The body as sent, for signature checks. */
  raw: string;
  answered: number | 'hang';
  /** When the request arrived (ms since the epoch). */
  at: number;
}

/**
 * Slack incoming webhooks and Discord webhooks over HTTPS (CONTRACT.md), on one server:
 * `/services/<team>/<bot>/<token>` behaves as Slack, `/api/webhooks/<id>/<token>` as Discord.
 * Each hook is one channel with a script of answers; every request is recorded.
 */
export class AlertReceiversFake {
  readonly received: ReceivedAlert[] = [];
  private readonly scripts = new Map<string, ReceiverAnswer[]>();
  private readonly hanging = new Set<ServerResponse>();

  private constructor(private readonly server: Server) {}

  static async start(): Promise<AlertReceiversFake> {
    const server = createServer({ key: KEY, cert: RECEIVER_CA });
    const fake = new AlertReceiversFake(server);
    server.on('request', (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => fake.answer(req.method ?? '', req.url ?? '/', req.headers, chunks, res));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return fake;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  /** A Slack incoming webhook URL on this fake, answering `answers` in turn. */
  slackHook(name: string, answers: ReceiverAnswer[] = ['ok']): string {
    const path = `/services/T0TEST/B${name}/${name}-token`;
    this.scripts.set(path, [...answers]);
    return `https://slack.receiver.test:${this.port}${path}`;
  }

  /** A Discord webhook URL on this fake, answering `answers` in turn. */
  discordHook(name: string, answers: ReceiverAnswer[] = ['ok']): string {
    const path = `/api/webhooks/${name}/${name}-token`;
    this.scripts.set(path, [...answers]);
    return `https://discord.receiver.test:${this.port}${path}`;
  }

  /** Any HTTPS endpoint (a signed alert webhook): 'ok' answers 200 with an empty body. */
  webhookHook(name: string, answers: ReceiverAnswer[] = ['ok']): string {
    const path = `/hooks/${name}`;
    this.scripts.set(path, [...answers]);
    return `https://slack.receiver.test:${this.port}${path}`;
  }

  at(url: string): ReceivedAlert[] {
    const path = new URL(url).pathname;
    return this.received.filter((r) => r.hook === path);
  }

  /** Requests accepted and still unanswered ('hang'). */
  get hangingCount(): number {
    return this.hanging.size;
  }

  async close(): Promise<void> {
    for (const res of this.hanging) res.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private answer(
    method: string,
    path: string,
    headers: IncomingHttpHeaders,
    chunks: Buffer[],
    res: ServerResponse,
  ): void {
    const kind: Kind = path.startsWith('/services/')
      ? 'slack'
      : path.startsWith('/hooks/')
        ? 'webhook'
        : 'discord';
    const script = this.scripts.get(path);
    if (method !== 'POST' || !script) {
      // Slack answers an unknown hook 404 `no_service`; Discord 404 Unknown Webhook (10015).
      if (kind === 'slack') return void res.writeHead(404).end('no_service');
      return json(res, 404, { message: 'Unknown Webhook', code: 10015 });
    }
    let body: Record<string, unknown>;
    const raw = Buffer.concat(chunks).toString('utf8');
    try {
      body = JSON.parse(raw) as Record<string, unknown>;
    } catch {
      if (kind === 'slack') return void res.writeHead(400).end('invalid_payload');
      return json(res, 400, { message: 'Cannot send an empty message', code: 50006 });
    }
    const next = script.length > 1 ? script.shift()! : script[0];
    const record: ReceivedAlert = {
      hook: path,
      kind,
      headers,
      body,
      raw,
      answered: 'hang',
      at: Date.now(),
    };
    this.received.push(record);
    if (next === 'hang') {
      this.hanging.add(res);
      res.on('close', () => this.hanging.delete(res));
      return;
    }
    const status = this.statusFor(kind, body, headers, next);
    record.answered = status;
    if (status === 200 && kind === 'webhook') return void res.writeHead(200).end();
    if (status === 200) return void res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    if (status === 204) return void res.writeHead(204).end();
    if (status === 429 && typeof next === 'object') {
      res.setHeader('retry-after', String(Math.ceil(next.rateLimitedFor)));
      return json(res, 429, {
        message: 'You are being rate limited.',
        retry_after: next.rateLimitedFor,
        global: false,
      });
    }
    if (status === 400) {
      if (kind === 'slack') return void res.writeHead(400).end('invalid_payload');
      return json(res, 400, { message: 'Cannot send an empty message', code: 50006 });
    }
    res.writeHead(status).end();
  }

  /** The platform's own checks first (JSON, non-empty message), then the script. */
  private statusFor(
    kind: Kind,
    body: Record<string, unknown>,
    headers: IncomingHttpHeaders,
    next: Exclude<ReceiverAnswer, 'hang'>,
  ): number {
    if (!String(headers['content-type']).startsWith('application/json')) return 400;
    if (kind === 'webhook') return next === 'ok' ? 200 : typeof next === 'number' ? next : 429;
    if (kind === 'slack') {
      const hasText = typeof body.text === 'string' && body.text.length > 0;
      if (!hasText && !Array.isArray(body.blocks)) return 400;
    } else {
      const content = typeof body.content === 'string' ? body.content : '';
      const embeds = Array.isArray(body.embeds) ? body.embeds : [];
      if ((!content && !embeds.length) || content.length > 2000 || embeds.length > 10) return 400;
    }
    if (next === 'ok') return kind === 'slack' ? 200 : 204;
    return typeof next === 'number' ? next : 429;
  }
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}
