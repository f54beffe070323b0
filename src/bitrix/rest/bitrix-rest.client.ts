import { AppConfig } from '@config/app-config';
import { Injectable } from '@nestjs/common';
import { PlatformError } from '@core/errors/platform-error';
import { PlatformHttpClient } from '@core/http/platform-http.client';
import { pacingWaitMs } from '@core/resilience/pacing-wait';
import { ResilientCaller } from '@core/resilience/resilient-caller';
import { TokenBucket } from '@core/resilience/token-bucket';
import { BitrixPortalsRepository } from '../portals/bitrix-portals.repository';
import { PortalTokens } from '../portals/portal-tokens';
import { bitrixCodeOf, bitrixErrorMapper } from './bitrix-errors';
import { phpQuery } from './php-query';
import { portalBreaker } from '../portals/portal-breaker';

/** Longest pause a caller outside a queue waits in place for the portal's next token. */
const MAX_INLINE_WAIT_MS = 5_000;
/** Bitrix24 runs at most 50 commands per `batch`. */
export const MAX_BATCH_COMMANDS = 50;

export interface BatchResult {
  result: Record<string, unknown>;
  errors: Record<string, { error?: string; error_description?: string }>;
}

export interface CallOptions {
  /** The caller already took this request's pacing token (a queue job that waits by delaying). */
  paced?: boolean;
  /** An effect that must not happen twice: no blind retries once the request was written. */
  atMostOnce?: boolean;
}

/**
 * REST calls to one portal at `{client_endpoint}{method}` with the access token as `auth`:
 * paced per portal by the shared Redis token bucket (under Bitrix24's leaky bucket, so it never
 * answers 503), through the portal's circuit breaker with retries, and refreshed once when the
 * token expired (PortalTokens makes that once per portal across pods).
 */
@Injectable()
export class BitrixRestClient {
  constructor(
    private readonly http: PlatformHttpClient,
    private readonly tokens: PortalTokens,
    private readonly portals: BitrixPortalsRepository,
    private readonly bucket: TokenBucket,
    private readonly resilient: ResilientCaller,
    private readonly config: AppConfig,
  ) {}

  /** 0 when a request to the portal may go now, else how long to wait for the next token. */
  paceWaitMs(portalId: string): Promise<number> {
    return pacingWaitMs(this.bucket, `bitrix:${portalId}`, {
      ratePerSecond: this.config.bitrix.requestsPerSecond,
      burst: this.config.bitrix.requestBurst,
    });
  }

  async call<T = unknown>(
    portalId: string,
    method: string,
    params: Record<string, unknown> = {},
    options: CallOptions = {},
  ): Promise<T> {
    if (!options.paced) await this.waitForToken(portalId);
    let access = await this.tokens.current(portalId);
    const attempt = () =>
      this.resilient.call(portalBreaker(portalId), () =>
        this.http.request<{ result: T }>({
          hub: 'bitrix',
          operation: operationOf(method),
          baseUrl: access.clientEndpoint,
          method: 'POST',
          path: encodeURIComponent(method),
          json: { ...params, auth: access.accessToken },
          atMostOnce: options.atMostOnce,
          errorMapper: bitrixErrorMapper,
        }),
      );
    try {
      const { body } = await attempt().catch(async (error: unknown) => {
        if (!isExpired(error)) throw error;
        access = await this.tokens.after(portalId, access.generation);
        // The refused request never ran: the retry spends the same pacing token.
        return attempt();
      });
      await this.portals.touchCall(portalId, null);
      return body.result;
    } catch (error) {
      await this.portals.touchCall(portalId, describe(error));
      throw error;
    }
  }

  /** Up to 50 commands in one request; each answers or fails on its own (halt = 0). */
  async batch(
    portalId: string,
    commands: Record<string, { method: string; params: Record<string, unknown> }>,
    options: CallOptions = {},
  ): Promise<BatchResult> {
    const cmd = Object.fromEntries(
      Object.entries(commands).map(([key, c]) => [key, `${c.method}?${phpQuery(c.params)}`]),
    );
    const answer = await this.call<{
      result?: Record<string, unknown> | unknown[];
      result_error?: Record<string, { error?: string }> | unknown[];
    }>(portalId, 'batch', { halt: 0, cmd }, options);
    return {
      result: asRecord(answer.result),
      errors: asRecord(answer.result_error) as BatchResult['errors'],
    };
  }

  private async waitForToken(portalId: string): Promise<void> {
    const started = Date.now();
    for (;;) {
      const wait = await this.paceWaitMs(portalId);
      if (wait === 0) return;
      if (Date.now() - started + wait > MAX_INLINE_WAIT_MS) {
        throw new PlatformError('bitrix', 'pace', 'rate-limited', 'bitrix: portal paced', {
          retryAfterMs: wait,
        });
      }
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }
}

function isExpired(error: unknown): boolean {
  const code = bitrixCodeOf(error);
  return code === 'expired_token' || code === 'invalid_token';
}

/** PHP answers an empty map as `[]`. */
function asRecord(value: unknown): Record<string, unknown> {
  return value && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

/** Metric label: the method with dots as underscores (`imconnector_send_messages`). */
function operationOf(method: string): string {
  return method.replace(/\./g, '_');
}

function describe(error: unknown): string {
  return bitrixCodeOf(error) ?? (error instanceof Error ? error.message.slice(0, 200) : 'error');
}
