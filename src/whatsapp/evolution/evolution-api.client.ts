import { Injectable } from '@nestjs/common';
import { PlatformError } from '@core/errors/platform-error';
import type { PlatformCall, PlatformResponse } from '@core/http/platform-call';
import { PlatformHttpClient } from '@core/http/platform-http.client';
import type { EvolutionServerAccess } from './evolution.credentials';
import { mapEvolutionError } from './evolution-error.mapper';

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** An Evolution call: hub, base URL, the `apikey` header and the error mapper are ours. */
export type EvolutionCall = DistributiveOmit<PlatformCall, 'hub' | 'baseUrl' | 'errorMapper'>;

/**
 * Every Evolution API call goes through here: the account's own server, its key in the
 * `apikey` header (Evolution's only auth scheme), hub 'whatsapp' and Evolution's error mapping
 * on top of PlatformHttpClient's deadlines and metrics. Server and key come with each call:
 * nothing per tenant is kept.
 */
@Injectable()
export class EvolutionApiClient {
  constructor(private readonly http: PlatformHttpClient) {}

  request<T>(server: EvolutionServerAccess, call: EvolutionCall): Promise<PlatformResponse<T>> {
    return this.http.request<T>({
      ...call,
      hub: 'whatsapp',
      baseUrl: server.baseUrl,
      headers: { ...call.headers, apikey: server.apiKey },
      errorMapper: mapEvolutionError,
    });
  }
}

/** Instance names come from data: escaped before they enter a path. */
export function evolutionPath(...segments: string[]): string {
  return `/${segments.map((segment) => encodeURIComponent(segment)).join('/')}`;
}

/**
 * A 2xx answer without the field the call exists for. After a send Evolution may already have
 * handed the message to WhatsApp, so a retry could deliver it twice: permanent there.
 */
export function unexpectedEvolutionAnswer(operation: string, missing: string): PlatformError {
  return new PlatformError(
    'whatsapp',
    operation,
    'server',
    `whatsapp ${operation}: Evolution answered without ${missing}`,
    { retryable: operation !== 'send_message' },
  );
}
