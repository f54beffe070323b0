import type { EncryptedColumn } from '@core/crypto/encrypted-column';

export type CalendarConnectionStatus = 'active' | 'needs_reauth';

/** A tenant's Google connection with its tokens opened (never logged, never answered). */
export interface CalendarConnection {
  id: string;
  tenantId: string;
  googleAccount: string;
  scopes: string[];
  status: CalendarConnectionStatus;
  refreshToken: string;
  accessToken?: string;
  accessTokenExpiresAt?: Date;
  createdAt: Date;
  updatedAt: Date;
}

/** A calendar the connected account granted, as calendarList named it. */
export interface GrantedCalendar {
  calendarId: string;
  summary: string;
  timeZone: string;
  primary: boolean;
  accessRole: string;
}

export const CALENDAR_REFRESH_TOKEN_COLUMN: EncryptedColumn = {
  table: 'calendar_connections',
  idColumn: 'id',
  column: 'refresh_token',
};

export const CALENDAR_ACCESS_TOKEN_COLUMN: EncryptedColumn = {
  table: 'calendar_connections',
  idColumn: 'id',
  column: 'access_token',
};
