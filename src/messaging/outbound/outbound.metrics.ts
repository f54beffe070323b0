import { makeCounterProvider } from '@willsoto/nestjs-prometheus';

export const MESSAGE_FALLBACKS_TOTAL = 'message_fallbacks_total';

export const outboundMetrics = [
  makeCounterProvider({
    name: MESSAGE_FALLBACKS_TOTAL,
    help: "Sends moved to an account's fallback account, by hub, providers and reason",
    labelNames: ['hub', 'from', 'to', 'reason'],
  }),
];
