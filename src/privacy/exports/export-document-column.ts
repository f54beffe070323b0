import type { EncryptedColumn } from '@core/crypto/encrypted-column';

/** Where a data export is sealed (context `privacy_exports.document:<request id>`). */
export const PRIVACY_EXPORT_DOCUMENT_COLUMN: EncryptedColumn = {
  table: 'privacy_exports',
  idColumn: 'request_id',
  column: 'document',
};
