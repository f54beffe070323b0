import type { EncryptedColumn } from '@core/crypto/encrypted-column';
import {
  CALENDAR_ACCESS_TOKEN_COLUMN,
  CALENDAR_REFRESH_TOKEN_COLUMN,
} from '@app/calendar/connection/calendar-connection';
import { CALENDAR_CHANNEL_TOKEN_COLUMN } from '@app/calendar/sync/calendar-channels.repository';
import { CALENDAR_OPERATION_COMMAND_COLUMN } from '@app/calendar/operations/calendar-operations.repository';
import { CHANNEL_ACCOUNT_CREDENTIALS } from '@app/messaging/channel-accounts/credentials-column';
import { EVOLUTION_WEBHOOK_SECRET_COLUMN } from '@app/whatsapp/evolution/evolution-webhook-keys';
import { PRIVACY_EXPORT_DOCUMENT_COLUMN } from '@app/privacy/exports/export-document-column';
import { TENANT_WEBHOOK_SECRET_COLUMN } from '@app/tenant-webhooks/webhook-secret-column';
import {
  ALERT_CHANNEL_SECRET_COLUMN,
  ALERT_CHANNEL_URL_COLUMN,
} from '@app/alerts/channels/alert-channel-columns';
import { BITRIX_PORTAL_COLUMNS } from '@app/bitrix/portals/portal-columns';

/**
 * Every column holding a `SecretBox`-sealed value, listed once for `rotate-secrets`
 * (`node dist/src/cli/rotate-secrets.js`). A module that stores a sealed column adds it here
 * and seals with the context `encryptedColumnContext(column, rowId)`, or rotation cannot open it.
 */
export const ENCRYPTED_COLUMNS: EncryptedColumn[] = [
  CHANNEL_ACCOUNT_CREDENTIALS,
  EVOLUTION_WEBHOOK_SECRET_COLUMN,
  TENANT_WEBHOOK_SECRET_COLUMN,
  ALERT_CHANNEL_URL_COLUMN,
  ALERT_CHANNEL_SECRET_COLUMN,
  CALENDAR_REFRESH_TOKEN_COLUMN,
  CALENDAR_ACCESS_TOKEN_COLUMN,
  CALENDAR_CHANNEL_TOKEN_COLUMN,
  CALENDAR_OPERATION_COMMAND_COLUMN,
  ...BITRIX_PORTAL_COLUMNS,
  PRIVACY_EXPORT_DOCUMENT_COLUMN,
];
