import type { IncomingHttpHeaders } from 'node:http';
import type { HubName } from '@core/channel/hub-name';
import type { PlatformError } from '@core/errors/platform-error';
import type { MultipartPart } from './multipart-body';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export type QueryValue = string | number | boolean | undefined | readonly (string | number)[];

/**
 * At most one body: JSON (the common case), an HTML form (OAuth token endpoints), a multipart
 * form (media uploads) or raw bytes.
 */
export type PlatformCallBody =
  | { json?: unknown; form?: never; multipart?: never; body?: never }
  | { json?: never; form: Readonly<Record<string, string>>; multipart?: never; body?: never }
  | { json?: never; form?: never; multipart: readonly MultipartPart[]; body?: never }
  | { json?: never; form?: never; multipart?: never; body: string | Buffer };

/** One outbound platform call. `hub` and `operation` label metrics and errors: keep them fixed. */
export type PlatformCall = PlatformCallBody & {
  hub: HubName;
  /** snake_case verb of the call, e.g. 'send_message', 'refresh_token'. Never an id. */
  operation: string;
  /** Per platform or account (proxies, regional endpoints, local fakes); may carry a path. */
  baseUrl: string;
  method: HttpMethod;
  /** Appended to baseUrl's path. */
  path: string;
  /** `undefined` values are left out; arrays repeat the key. */
  query?: Readonly<Record<string, QueryValue>>;
  headers?: Readonly<Record<string, string>>;
  /**
   * The call has an effect that must not happen twice and the platform takes no idempotency
   * key (a message send). When it breaks after the request was written, it fails with the
   * non-retryable 'outcome-unknown' instead of a retryable timeout or network error.
   */
  atMostOnce?: boolean;
  /**
   * Deadline for the whole call, response body included (for 'stream': until the headers, and
   * then at most this long between two chunks). Default: HTTP_TIMEOUT_MS.
   */
  timeoutMs?: number;
  /**
   * How to read a successful body. Default 'json' (an empty body reads as `undefined`).
   * 'stream' hands the body over unread (a Readable) for files passed on to a client: the
   * caller must consume or destroy it.
   */
  responseType?: 'json' | 'text' | 'buffer' | 'stream';
  /**
   * baseUrl came from a tenant (a webhook URL, an alert channel, an image to fetch): the call
   * goes only to a public address by PublicLinkGuard's rules (OUTBOUND_URL_ALLOWLIST applies),
   * through an agent that resolves the host once and connects to exactly the addresses the
   * guard passed, so DNS rebinding cannot steer it inside. `subject` names the URL in errors
   * ('webhook URL'); a refusal is a LinkRefusedError (permanent).
   */
  publicLink?: { subject: string };
  /**
   * Answer a redirect (301, 302, 303, 307, 308) as a response, its body drained, for a caller
   * that follows it itself after checking where it leads (a CDN hop through the link guard).
   * Counted as a success: the platform did what it was asked. Default: a redirect is an error.
   */
  returnRedirects?: boolean;
  /** Platform-specific reading of error answers; see PlatformErrorMapper. */
  errorMapper?: PlatformErrorMapper;
};

export interface PlatformResponse<T> {
  status: number;
  headers: IncomingHttpHeaders;
  body: T;
}

/** A non-2xx answer as an error mapper sees it. `body` is parsed JSON when it parses, else text. */
export interface PlatformErrorResponse {
  hub: HubName;
  operation: string;
  status: number;
  headers: IncomingHttpHeaders;
  body: unknown;
}

/**
 * Reads a platform's error answer. It receives the generic classification (by status,
 * Retry-After and common body shapes) and returns it or a refined one, e.g. Meta's code 130429
 * on an HTTP 400 becomes a retryable 'rate-limited' error. Keep personal data out of `detail`.
 */
export type PlatformErrorMapper = (
  response: PlatformErrorResponse,
  generic: PlatformError,
) => PlatformError;
