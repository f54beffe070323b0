import { Injectable } from '@nestjs/common';
import { AppConfig } from '@config/app-config';
import { PlatformError } from '@core/errors/platform-error';
import type { MultipartPart } from '@core/http/multipart-body';
import type { QueryValue } from '@core/http/platform-call';
import { PlatformHttpClient } from '@core/http/platform-http.client';
import { tiktokError } from './tiktok-errors';

/** Every answer of the API for Business: `code` 0 is success, anything else an error. */
export interface TikTokEnvelope<T> {
  code: number;
  message?: string;
  request_id?: string;
  data?: T;
}

export interface TikTokCall {
  /** snake_case, for metrics and errors: 'send_message', 'refresh_token'... */
  operation: string;
  method: 'GET' | 'POST';
  /** Under `/open_api/v1.3/`, e.g. 'business/message/send/'. */
  path: string;
  /** `Access-Token` header; absent on the OAuth endpoints, which take the app's secret. */
  accessToken?: string;
  query?: Readonly<Record<string, QueryValue>>;
  json?: unknown;
  multipart?: readonly MultipartPart[];
  /** A send: never repeated once it may have reached TikTok. */
  atMostOnce?: boolean;
}

export const TIKTOK_API_VERSION = 'v1.3';

/**
 * TikTok API for Business through the one platform HTTP client: `{base}/open_api/v1.3/...`,
 * the `Access-Token` header, and the envelope read on every answer (TikTok reports most errors
 * with HTTP 200 and a code). Holds no token: each call brings its account's.
 */
@Injectable()
export class TikTokBusinessClient {
  private readonly baseUrl: string;

  constructor(
    private readonly http: PlatformHttpClient,
    config: AppConfig,
  ) {
    this.baseUrl = `${config.tiktok.businessApiBaseUrl}/open_api/${TIKTOK_API_VERSION}`;
  }

  async call<T>(call: TikTokCall): Promise<T> {
    const { operation, method, path, accessToken, query, json, multipart, atMostOnce } = call;
    const body = multipart ? { multipart } : { json };
    const { status, body: envelope } = await this.http.request<TikTokEnvelope<T> | undefined>({
      hub: 'tiktok',
      operation,
      baseUrl: this.baseUrl,
      method,
      path: `/${path}`,
      query,
      ...body,
      headers: accessToken ? { 'access-token': accessToken } : {},
      atMostOnce,
      errorMapper: (response, generic) => {
        const code = codeOf(response.body);
        return code === undefined ? generic : tiktokError(operation, code, response.status);
      },
    });
    const code = codeOf(envelope);
    if (code === undefined) {
      throw new PlatformError('tiktok', operation, 'server', `tiktok ${operation}: no envelope`, {
        status,
        // A send TikTok may have taken must not be repeated on an unreadable answer.
        retryable: !atMostOnce,
      });
    }
    if (code !== 0) throw tiktokError(operation, code, status);
    return (envelope?.data ?? {}) as T;
  }
}

function codeOf(body: unknown): number | undefined {
  const code = (body as { code?: unknown } | undefined)?.code;
  return typeof code === 'number' && Number.isInteger(code) ? code : undefined;
}
