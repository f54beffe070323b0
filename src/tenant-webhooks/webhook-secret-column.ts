import type { EncryptedColumn } from '@core/crypto/encrypted-column';

/** Where a subscription's signing secret is sealed (context `tenant_webhooks.secret:<id>`). */
export const TENANT_WEBHOOK_SECRET_COLUMN: EncryptedColumn = {
  table: 'tenant_webhooks',
  idColumn: 'id',
  column: 'secret',
};
