import type { Provider } from '@nestjs/common';
import { AppConfig } from '@config/app-config';
import type { HubName } from '@core/channel/hub-name';
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

/** Which Meta product a client speaks for. */
export interface MetaGraphProduct {
  /** Calls are timed, counted, broken (circuit) and reported under this hub. */
  readonly hub: HubName;
  /**
   * The product's Graph root: graph.facebook.com for the WhatsApp Cloud API and Page-linked
   * Instagram, graph.instagram.com for Instagram Login. The version is META_GRAPH_API_VERSION.
   */
  readonly graphBaseUrl: string;
}

/**
 * Every Graph call of one Meta product goes through here: `{graph root}/{version}`,
 * `Authorization: Bearer <account token>`, the product's hub and Meta's error mapping on top of
 * PlatformHttpClient's deadlines and metrics. The token comes with each call: this client, like
 * the providers, holds nothing per tenant. Each product module provides its own instance
 * (metaGraphClientProvider), so WhatsApp's and Instagram's calls never share a hub.
 */
export class MetaGraphClient {
  readonly versionedBaseUrl: string;

  constructor(
    private readonly http: PlatformHttpClient,
    private readonly product: MetaGraphProduct,
    graphApiVersion: string,
  ) {
    this.versionedBaseUrl = `${product.graphBaseUrl}/${graphApiVersion}`;
  }

  request<T>(accessToken: string, call: MetaGraphCall): Promise<PlatformResponse<T>> {
    return this.http.request<T>({
      ...call,
      hub: this.product.hub,
      baseUrl: call.baseUrl ?? this.versionedBaseUrl,
      headers: { ...call.headers, authorization: `Bearer ${accessToken}` },
      errorMapper: mapMetaError,
    });
  }
}

/** The MetaGraphClient of one product module, its product read from the validated config. */
export function metaGraphClientProvider(
  productOf: (config: AppConfig) => MetaGraphProduct,
): Provider {
  return {
    provide: MetaGraphClient,
    useFactory: (http: PlatformHttpClient, config: AppConfig) =>
      new MetaGraphClient(http, productOf(config), config.meta.graphApiVersion),
    inject: [PlatformHttpClient, AppConfig],
  };
}

/**
 * A 2xx answer without the field the call exists for. After a send Meta may already have
 * accepted the message, so a retry could deliver it twice: permanent there, retryable elsewhere.
 */
export function unexpectedMetaAnswer(
  hub: HubName,
  operation: string,
  missing: string,
): PlatformError {
  return new PlatformError(
    hub,
    operation,
    'server',
    `${hub} ${operation}: Meta answered without ${missing}`,
    { retryable: operation !== 'send_message' },
  );
}

/** Graph ids are digits (or `wamid.` ids); anything else is escaped before it enters a path. */
export function graphPath(...segments: string[]): string {
  return `/${segments.map((segment) => encodeURIComponent(segment)).join('/')}`;
}
