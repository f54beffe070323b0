import type { EncryptedColumn } from '@core/crypto/encrypted-column';

/** channel_accounts.credentials holds SecretBox ciphertext (rotated by rotate-secrets). */
export const CHANNEL_ACCOUNT_CREDENTIALS: EncryptedColumn = {
  table: 'channel_accounts',
  idColumn: 'id',
  column: 'credentials',
};
