import type { EncryptedColumn } from '@core/crypto/encrypted-column';

/** A Slack or Discord webhook URL is itself a credential: sealed (`alert_channels.url:<id>`). */
export const ALERT_CHANNEL_URL_COLUMN: EncryptedColumn = {
  table: 'alert_channels',
  idColumn: 'id',
  column: 'url',
};

/** A generic webhook channel's signing secret (`alert_channels.secret:<id>`). */
export const ALERT_CHANNEL_SECRET_COLUMN: EncryptedColumn = {
  table: 'alert_channels',
  idColumn: 'id',
  column: 'secret',
};
