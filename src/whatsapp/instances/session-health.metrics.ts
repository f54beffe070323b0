import { makeCounterProvider, makeGaugeProvider } from '@willsoto/nestjs-prometheus';

export const WHATSAPP_INSTANCES_DISCONNECTED = 'whatsapp_instances_disconnected';
export const WHATSAPP_INSTANCE_DISCONNECTS_TOTAL = 'whatsapp_instance_disconnects_total';

export const sessionHealthMetrics = [
  makeGaugeProvider({
    name: WHATSAPP_INSTANCES_DISCONNECTED,
    help: 'Evolution instances found not connected by the last session check (all tenants)',
  }),
  makeCounterProvider({
    name: WHATSAPP_INSTANCE_DISCONNECTS_TOTAL,
    help: 'Evolution instances seen going from connected to disconnected',
  }),
];
