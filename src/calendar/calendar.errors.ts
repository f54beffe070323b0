import { ConflictError, DomainError, UnavailableError } from '@core/errors/domain-error';

/** GOOGLE_OAUTH_CLIENT_ID / _SECRET are not set: nothing can be asked of Google. */
export class CalendarNotConfiguredError extends UnavailableError {
  constructor() {
    super(
      'CALENDAR.NOT_CONFIGURED',
      'Google Calendar is not configured on this server (GOOGLE_OAUTH_CLIENT_ID and GOOGLE_OAUTH_CLIENT_SECRET)',
    );
  }
}

export class CalendarNotConnectedError extends ConflictError {
  constructor() {
    super(
      'CALENDAR.NOT_CONNECTED',
      'No Google Calendar is connected for this tenant; connect one through GET /api/v2/calendar/oauth/url',
    );
  }
}

/** Google refused the stored grant (invalid_grant): only the user can give a new one. */
export class CalendarNeedsReauthError extends ConflictError {
  constructor() {
    super(
      'CALENDAR.NEEDS_REAUTH',
      'Google no longer accepts this Calendar connection (access revoked or expired); ' +
        'reconnect it through GET /api/v2/calendar/oauth/url',
    );
  }
}

/** If-Match named an older version of the event than Google's. */
export class CalendarEventChangedError extends DomainError {
  constructor() {
    super(
      'CALENDAR.EVENT_CHANGED',
      'precondition-failed',
      'The event was changed since the ETag given in If-Match; read it again and retry',
    );
  }
}

export class CalendarSlotTakenError extends ConflictError {
  constructor() {
    super(
      'CALENDAR.SLOT_TAKEN',
      'The calendar is busy during this time; choose a free slot or set allowOverlap',
    );
  }
}
