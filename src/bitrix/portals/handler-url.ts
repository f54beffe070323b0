import type { AppConfig } from '@config/app-config';

/** The portal's handler URL: its install and event endpoint, and our connector's placement. */
export function handlerUrlOf(config: AppConfig, portalId: string): string {
  return `${config.http.publicBaseUrl}/webhooks/bitrix24/${portalId}`;
}
