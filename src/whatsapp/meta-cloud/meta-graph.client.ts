import { Injectable } from '@nestjs/common';
import { AppConfig } from '@config/app-config';
import { PlatformError } from '@core/errors/platform-error';
import type { PlatformCall, PlatformResponse } from '@core/http/platform-call';
import { PlatformHttpClient } from '@core/http/platform-http.client';
import { mapMetaError } from './meta-error.mapper';

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** A Graph call: the hub, the error mapper and (unless given) the versioned base are ours. */
export type MetaGraphCall = DistributiveOmit<PlatformCall, 'hub' | 'baseUrl' | 'errorMapper'> & {
  /** An absolute URL Meta handed out (media downloads); default `{base}/{version}`. */
  baseUrl?: string;
};

/**
 * Every Cloud API call goes through here: `{META_GRAPH_BASE_URL}/{META_GRAPH_API_VERSION}`,
 * `Authorization: Bearer <account token>`, hub 'whatsapp' and Meta's error mapping on top of
 * PlatformHttpClient's deadlines and metrics. The token comes with each call: this client,
 * like the providers, holds nothing per tenant.
 */
@Injectable()
export class MetaGraphClient {
  constructor(
    private readonly http: PlatformHttpClient,
    private readonly config: AppConfig,
  ) {}

  get versionedBaseUrl(): string {
    return `${this.config.meta.graphBaseUrl}/${this.config.meta.graphApiVersion}`;
  }

  request<T>(accessToken: string, call: MetaGraphCall): Promise<PlatformResponse<T>> {
    return this.http.request<T>({
      ...call,
      hub: 'whatsapp',
      baseUrl: call.baseUrl ?? this.versionedBaseUrl,
      headers: { ...call.headers, authorization: `Bearer ${accessToken}` },
      errorMapper: mapMetaError,
    });
  }
}

/**
 * A 2xx answer without the field the call exists for. After a send Meta may already have
 * accepted the message, so a retry could deliver it twice: permanent there, retryable elsewhere.
 */
export function unexpectedGraphAnswer(operation: string, missing: string): PlatformError {
  return new PlatformError(
    'whatsapp',
    operation,
    'server',
    `whatsapp ${operation}: Meta answered without ${missing}`,
    { retryable: operation !== 'send_message' },
  );
}

/** Graph ids are digits (or `wamid.` ids); anything else is escaped before it enters a path. */
export function graphPath(...segments: string[]): string {
  return `/${segments.map((segment) => encodeURIComponent(segment)).join('/')}`;
}
