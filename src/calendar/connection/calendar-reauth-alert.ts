import type { AlertCondition } from '@core/alerts/alert-raiser';

/** The alert a dead calendar grant raises, and its reconnect or disconnect resolves. */
export function calendarReauthAlert(tenantId: string, connectionId: string): AlertCondition {
  return { type: 'token.refresh_failed', subject: `calendar/google/${connectionId}`, tenantId };
}
