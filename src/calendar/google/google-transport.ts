import { Injectable } from '@nestjs/common';
import type { gaxios } from 'google-auth-library';
import { AppConfig } from '@config/app-config';
import { PlatformError } from '@core/errors/platform-error';
import { PlatformHttpClient } from '@core/http/platform-http.client';
import type { HttpMethod } from '@core/http/platform-call';
import { googleErrorMapper } from './google-errors';

type Prepared = gaxios.GaxiosOptionsPrepared;

/**
 * The googleapis SDK builds each request (URLs, query, bodies, auth headers) and this adapter
 * sends it through PlatformHttpClient, the one outbound client: the same deadline, metrics,
 * keep-alive pool and PlatformError classification as every platform call. The SDK's own retry
 * is switched off (GoogleClients); retries and breakers are ResilientCaller's.
 */
@Injectable()
export class GoogleTransport {
  constructor(
    private readonly http: PlatformHttpClient,
    private readonly config: AppConfig,
  ) {}

  /** A gaxios `adapter`: never calls gaxios' own fetch. */
  readonly adapter = async <T>(options: Prepared): Promise<gaxios.GaxiosResponse<T>> => {
    const url = new URL(options.url);
    const headers: Record<string, string> = {};
    new Headers(options.headers).forEach((value, name) => {
      if (name !== 'content-length') headers[name] = value;
    });
    // fetch would derive it from a URLSearchParams body (the token endpoint's form); we send text.
    if (options.body instanceof URLSearchParams && !headers['content-type']) {
      headers['content-type'] = 'application/x-www-form-urlencoded;charset=UTF-8';
    }
    const response = await this.http.request<T>({
      hub: 'calendar',
      operation: operationOf(options.method ?? 'GET', url, this.config),
      baseUrl: url.origin,
      path: url.pathname,
      query: queryOf(url.searchParams),
      method: (options.method ?? 'GET').toUpperCase() as HttpMethod,
      headers,
      ...bodyOf(options.body),
      timeoutMs: this.config.calendar.timeoutMs,
      errorMapper: googleErrorMapper,
    });
    const responseHeaders = new Headers();
    for (const [name, value] of Object.entries(response.headers)) {
      if (typeof value === 'string') responseHeaders.set(name, value);
    }
    return {
      config: options,
      data: response.body,
      status: response.status,
      statusText: '',
      headers: responseHeaders,
    } as gaxios.GaxiosResponse<T>;
  };
}

/**
 * gaxios wraps whatever the adapter throws in a GaxiosError; the PlatformError inside is what
 * the rest of Omnihub understands (retryable or not, the platform's code).
 */
export function unwrapGoogleError(error: unknown): unknown {
  let current = error;
  for (let depth = 0; depth < 3 && current instanceof Error; depth += 1) {
    if (current instanceof PlatformError) return current;
    current = (current as { cause?: unknown }).cause;
  }
  return current instanceof PlatformError ? current : error;
}

function bodyOf(body: unknown): { body: string | Buffer } | Record<string, never> {
  if (body === undefined || body === null) return {};
  if (typeof body === 'string') return { body };
  if (body instanceof URLSearchParams) return { body: body.toString() };
  if (Buffer.isBuffer(body)) return { body };
  throw new Error('GoogleTransport: unsupported request body type');
}

function queryOf(params: URLSearchParams): Record<string, string | string[]> {
  const query: Record<string, string | string[]> = {};
  for (const key of new Set(params.keys())) {
    const values = params.getAll(key);
    query[key] = values.length === 1 ? values[0] : values;
  }
  return query;
}

/** A fixed metrics label per Google operation (never an id). */
function operationOf(method: string, url: URL, config: AppConfig): string {
  const href = `${url.origin}${url.pathname}`;
  if (href === new URL(config.calendar.tokenUrl).href) return 'oauth_token';
  if (href === new URL(config.calendar.revokeUrl).href) return 'revoke_token';
  const path = url.pathname;
  const verb = method.toUpperCase();
  if (path.endsWith('/users/me/calendarList')) return 'list_calendars';
  if (path.endsWith('/freeBusy')) return 'query_free_busy';
  if (path.endsWith('/channels/stop')) return 'stop_channel';
  if (path.endsWith('/events/watch')) return 'watch_events';
  if (path.endsWith('/events')) return verb === 'POST' ? 'insert_event' : 'list_events';
  if (/\/events\/[^/]+$/.test(path)) {
    return verb === 'PATCH' ? 'patch_event' : verb === 'DELETE' ? 'delete_event' : 'get_event';
  }
  return 'other';
}
