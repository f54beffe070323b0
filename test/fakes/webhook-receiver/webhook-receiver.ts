import { readFileSync } from 'node:fs';
import { createServer, Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { verifyOmnihubWebhook } from './verify-signature';

/** The fake's certificate, for `*.receiver.test` (self-signed; the test agent trusts it). */
export const RECEIVER_CA = readFileSync(join(__dirname, 'tls', 'cert.pem'));
const KEY = readFileSync(join(__dirname, 'tls', 'key.pem'));

/** The names tests give receivers; the test resolver answers 127.0.0.1 for each. */
export const RECEIVER_HOSTS = [
  'receiver.test',
  'files.receiver.test',
  'slack.receiver.test',
  'discord.receiver.test',
] as const;

/** What one path answers, in turn; the last entry repeats. 'hang' never answers. */
export type Answer = number | 'hang' | { status: number; retryAfterSeconds: number };

export interface Received {
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: { id: string; type: string; createdAt: string; data: Record<string, string> };
  verified: boolean;
  status: number | 'hang';
  at: number;
}

/**
 * A tenant's webhook receiver over HTTPS: each path is one subscriber with its secret and a
 * script of answers. Every request is recorded with whether its signature verified, using
 * the README recipe (verify-signature.ts).
 */
export class WebhookReceiverFake {
  readonly received: Received[] = [];
  private readonly secrets = new Map<string, string>();
  private readonly scripts = new Map<string, Answer[]>();
  private readonly hanging = new Set<import('node:http').ServerResponse>();

  private constructor(private readonly server: Server) {}

  static async start(): Promise<WebhookReceiverFake> {
    const server = createServer({ key: KEY, cert: RECEIVER_CA });
    const fake = new WebhookReceiverFake(server);
    server.on('request', (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => fake.answer(req.url ?? '/', req.headers, Buffer.concat(chunks), res));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return fake;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  /** The URL a subscription uses for `path` (receiver.test resolves to this fake in tests). */
  url(path: string): string {
    return `https://receiver.test:${this.port}${path}`;
  }

  script(path: string, secret: string, answers: Answer[]): void {
    this.secrets.set(path, secret);
    this.scripts.set(path, [...answers]);
  }

  at(path: string): Received[] {
    return this.received.filter((r) => r.path === path);
  }

  async close(): Promise<void> {
    for (const res of this.hanging) res.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private answer(
    path: string,
    headers: Record<string, string | string[] | undefined>,
    raw: Buffer,
    res: import('node:http').ServerResponse,
  ): void {
    const script = this.scripts.get(path) ?? [404];
    const next = script.length > 1 ? script.shift()! : script[0];
    const text = raw.toString('utf8');
    this.received.push({
      path,
      headers,
      body: JSON.parse(text) as Received['body'],
      verified: verifyOmnihubWebhook(this.secrets.get(path) ?? '', headers, text),
      status: next === 'hang' ? 'hang' : typeof next === 'number' ? next : next.status,
      at: Date.now(),
    });
    if (next === 'hang') {
      this.hanging.add(res);
      return;
    }
    if (typeof next === 'number') {
      res.writeHead(next).end();
      return;
    }
    res.writeHead(next.status, { 'retry-after': String(next.retryAfterSeconds) }).end();
  }
}
