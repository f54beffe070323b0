import { makeCounterProvider } from '@willsoto/nestjs-prometheus';

/**
 * Signed Meta deliveries acknowledged without being stored, by `object`: non-zero means the
 * Meta app is subscribed to an object (or a product) this deployment does not handle.
 */
export const META_WEBHOOK_UNHANDLED_TOTAL = 'meta_webhook_unhandled_total';

export const metaWebhookMetrics = [
  makeCounterProvider({
    name: META_WEBHOOK_UNHANDLED_TOTAL,
    help: 'Signed Meta webhook deliveries whose object no product here handles (acknowledged, not stored)',
    labelNames: ['object'],
  }),
];
