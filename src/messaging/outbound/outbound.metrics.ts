import { makeCounterProvider } from '@willsoto/nestjs-prometheus';

export const MESSAGE_FALLBACKS_TOTAL = 'message_fallbacks_total';
export const ACCOUNT_REAUTH_REQUIRED_TOTAL = 'channel_account_reauth_required_total';

export const outboundMetrics = [
  makeCounterProvider({
    name: MESSAGE_FALLBACKS_TOTAL,
    help: "Sends moved to an account's fallback account, by hub, providers and reason",
    labelNames: ['hub', 'from', 'to', 'reason'],
  }),
  makeCounterProvider({
    name: ACCOUNT_REAUTH_REQUIRED_TOTAL,
    help: 'Channel accounts whose credentials a platform rejected (marked needs_reauth), by hub and provider',
    labelNames: ['hub', 'provider'],
  }),
];
