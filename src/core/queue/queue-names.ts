/** Every BullMQ queue Omnihub runs, named once. See DESIGN.md "Queues". */
export const QueueName = {
  Inbound: 'inbound',
  Outbound: 'outbound',
  Bitrix: 'bitrix',
  Calendar: 'calendar',
  WebhooksOut: 'webhooks-out',
  Alerts: 'alerts',
  Maintenance: 'maintenance',
  Privacy: 'privacy',
} as const;

export type QueueName = (typeof QueueName)[keyof typeof QueueName];

export const ALL_QUEUES: readonly QueueName[] = Object.values(QueueName);
