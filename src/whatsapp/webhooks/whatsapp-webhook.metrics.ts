import { makeCounterProvider } from '@willsoto/nestjs-prometheus';

/** Webhook events for a phone_number_id no channel account has: non-zero means a number is
 * subscribed to our app but not connected in Omnihub (or was removed). */
export const WHATSAPP_WEBHOOK_UNKNOWN_ACCOUNT_TOTAL = 'whatsapp_webhook_unknown_account_total';

export const whatsappWebhookMetrics = [
  makeCounterProvider({
    name: WHATSAPP_WEBHOOK_UNKNOWN_ACCOUNT_TOTAL,
    help: 'WhatsApp Cloud API webhook changes for a phone number id with no channel account',
  }),
];
