/** The scheme itself lives in core: alert webhooks are signed the same way. */
export { newWebhookSecret, signWebhook } from '@core/crypto/webhook-signature';

/** Header names every delivery carries (Standard Webhooks' shape, under our own prefix). */
export const WEBHOOK_HEADERS = {
  id: 'omnihub-webhook-id',
  timestamp: 'omnihub-webhook-timestamp',
  signature: 'omnihub-webhook-signature',
} as const;
