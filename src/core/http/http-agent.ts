import { AppConfig } from '@config/app-config';
import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import type { ConnectionOptions } from 'node:tls';
import { Agent, Dispatcher } from 'undici';
import { PinnedLookup } from './pinned-lookup';

/** The process-wide undici dispatcher every platform call goes through. */
export const HTTP_DISPATCHER = Symbol('HTTP_DISPATCHER');

/**
 * The dispatcher for URLs tenants supply (PlatformCall `publicLink`): the same pooling, but its
 * sockets connect only to addresses PublicLinkGuard passed (PinnedLookup). A separate agent
 * because platform origins (an Evolution server inside the deployment's network) must not be
 * judged by the rules for tenants' URLs, and one agent has one lookup.
 */
export const GUARDED_HTTP_DISPATCHER = Symbol('GUARDED_HTTP_DISPATCHER');

/**
 * One keep-alive pool per origin (graph.facebook.com, each Evolution server, Google, each
 * Bitrix24 portal), so TLS handshakes are paid once per connection, not per message.
 * - 32 connections per origin: a worker runs 10 jobs per queue, and several queues may call
 *   the same origin at once; beyond that, calls wait in undici's queue instead of opening more
 *   sockets than a platform likes from one client.
 * - Idle sockets live 10 s (less when the server's Keep-Alive header says so, capped at 60 s):
 *   long enough to carry a burst, short enough not to outlive the server's own idle timeout.
 */
export function createHttpAgent(
  config: AppConfig,
  connect: Pick<ConnectionOptions, 'ca' | 'lookup'> = {},
): Agent {
  return new Agent({
    connections: 32,
    pipelining: 1,
    keepAliveTimeout: 10_000,
    keepAliveMaxTimeout: 60_000,
    connect: { timeout: config.outboundHttp.timeoutMs, ...connect },
  });
}

/**
 * The agent behind GUARDED_HTTP_DISPATCHER. `ca` is for tests, whose receivers use a
 * self-signed certificate; production trusts the system's CAs only.
 */
export function createGuardedHttpAgent(
  config: AppConfig,
  pinned: PinnedLookup,
  ca?: ConnectionOptions['ca'],
): Agent {
  return createHttpAgent(config, { lookup: pinned.lookup, ...(ca ? { ca } : {}) });
}

/**
 * Closes both agents on shutdown: in-flight calls may finish (each is bounded by its timeout),
 * then idle sockets are closed; after SHUTDOWN_TIMEOUT_MS the rest is destroyed.
 */
@Injectable()
export class HttpAgentCloser implements OnApplicationShutdown {
  private readonly logger = new Logger(HttpAgentCloser.name);

  constructor(
    @Inject(HTTP_DISPATCHER) private readonly dispatcher: Dispatcher,
    @Inject(GUARDED_HTTP_DISPATCHER) private readonly guarded: Dispatcher,
    private readonly config: AppConfig,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    await Promise.all([this.close(this.dispatcher), this.close(this.guarded)]);
  }

  private async close(dispatcher: Dispatcher): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), this.config.shutdownTimeoutMs);
    });
    // A dispatcher that is already destroyed rejects close(): it is closed either way.
    const closing = dispatcher.close().then(
      () => true as const,
      () => true as const,
    );
    const closed = await Promise.race([closing, expired]);
    clearTimeout(timer);
    if (!closed) {
      this.logger.warn('Outbound HTTP calls still running at shutdown; aborting them');
      await dispatcher.destroy();
    }
  }
}
