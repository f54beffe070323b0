import type { EncryptedColumn } from '@core/crypto/encrypted-column';

const sealed = (column: string): EncryptedColumn => ({
  table: 'bitrix_portals',
  idColumn: 'id',
  column,
});

/** The portal's sealed columns (context `bitrix_portals.<column>:<id>`), for secret rotation. */
export const BITRIX_PORTAL_COLUMNS: EncryptedColumn[] = [
  sealed('client_secret'),
  sealed('access_token'),
  sealed('refresh_token'),
  sealed('application_token'),
];

export const [CLIENT_SECRET, ACCESS_TOKEN, REFRESH_TOKEN, APPLICATION_TOKEN] =
  BITRIX_PORTAL_COLUMNS;
