import { AppConfig } from '@config/app-config';
import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { Agent, Dispatcher } from 'undici';

/** The process-wide undici dispatcher every platform call goes through. */
export const HTTP_DISPATCHER = Symbol('HTTP_DISPATCHER');

/**
 * One keep-alive pool per origin (graph.facebook.com, each Evolution server, Google, each
 * Bitrix24 portal), so TLS handshakes are paid once per connection, not per message.
 * - 32 connections per origin: a worker runs 10 jobs per queue, and several queues may call
 *   the same origin at once; beyond that, calls wait in undici's queue instead of opening more
 *   sockets than a platform likes from one client.
 * - Idle sockets live 10 s (less when the server's Keep-Alive header says so, capped at 60 s):
 *   long enough to carry a burst, short enough not to outlive the server's own idle timeout.
 */
export function createHttpAgent(config: AppConfig): Agent {
  return new Agent({
    connections: 32,
    pipelining: 1,
    keepAliveTimeout: 10_000,
    keepAliveMaxTimeout: 60_000,
    connect: { timeout: config.outboundHttp.timeoutMs },
  });
}

/**
 * Closes the agent on shutdown: in-flight calls may finish (each is bounded by its timeout),
 * then idle sockets are closed; after SHUTDOWN_TIMEOUT_MS the rest is destroyed.
 */
@Injectable()
export class HttpAgentCloser implements OnApplicationShutdown {
  private readonly logger = new Logger(HttpAgentCloser.name);

  constructor(
    @Inject(HTTP_DISPATCHER) private readonly dispatcher: Dispatcher,
    private readonly config: AppConfig,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), this.config.shutdownTimeoutMs);
    });
    // A dispatcher that is already destroyed rejects close(): it is closed either way.
    const closing = this.dispatcher.close().then(
      () => true as const,
      () => true as const,
    );
    const closed = await Promise.race([closing, expired]);
    clearTimeout(timer);
    if (!closed) {
      this.logger.warn('Outbound HTTP calls still running at shutdown; aborting them');
      await this.dispatcher.destroy();
    }
  }
}
