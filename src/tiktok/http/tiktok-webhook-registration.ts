import { Injectable } from '@nestjs/common';
import { AppConfig } from '@config/app-config';
import { tiktokAppMissing } from '@app/tiktok/accounts/tiktok-auth.api';
import { TikTokBusinessClient } from '@app/tiktok/api/tiktok-business.client';

/** The webhook subscriptions Omnihub reads: direct messages and comments on the videos. */
export const TIKTOK_WEBHOOK_EVENT_TYPES = ['DIRECT_MESSAGE', 'COMMENT'] as const;

export interface TikTokWebhookRegistration {
  callbackUrl: string;
  eventTypes: readonly string[];
}

/**
 * Points the app's webhooks at Omnihub's one URL through TikTok's webhook API
 * (`business/webhook/update/`, the app's id and secret, once per event type; CONTRACT.md).
 * Idempotent: TikTok keeps one callback per app and event type, so running it again after a
 * move of PUBLIC_BASE_URL simply repoints it.
 */
@Injectable()
export class TikTokWebhookRegistrar {
  constructor(
    private readonly client: TikTokBusinessClient,
    private readonly config: AppConfig,
  ) {}

  async register(): Promise<TikTokWebhookRegistration> {
    const { appId, appSecret } = this.config.tiktok;
    if (!appId || !appSecret) throw tiktokAppMissing();
    const callbackUrl = `${this.config.http.publicBaseUrl}/webhooks/tiktok`;
    for (const eventType of TIKTOK_WEBHOOK_EVENT_TYPES) {
      await this.client.call({
        operation: 'register_webhook',
        method: 'POST',
        path: 'business/webhook/update/',
        json: {
          app_id: appId,
          secret: appSecret,
          event_type: eventType,
          callback_url: callbackUrl,
        },
      });
    }
    return { callbackUrl, eventTypes: TIKTOK_WEBHOOK_EVENT_TYPES };
  }
}
