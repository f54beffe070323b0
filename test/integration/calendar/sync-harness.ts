import { DataSource } from 'typeorm';
import type { CalendarScene } from './calendar-harness';

/** The channel Google holds for a calendar (as events.watch registered it at the fake). */
export function channelOf(scene: CalendarScene, calendarId: string) {
  const found = [...scene.google.store.channels.entries()].find(
    ([, channel]) => channel.calendarId === calendarId,
  );
  if (!found) throw new Error(`no channel watches ${calendarId}`);
  return { id: found[0], ...found[1] };
}

let messageNumber = 1000;

/** Google's push for a channel, with the documented X-Goog-* headers (guides/push). */
export function push(
  scene: CalendarScene,
  channel: { id: string; token?: string; resourceId: string; expiration: string },
  overrides: Record<string, string> = {},
) {
  messageNumber += 1;
  return scene.app.inject({
    method: 'POST',
    url: '/webhooks/google-calendar',
    headers: {
      'x-goog-channel-id': channel.id,
      'x-goog-channel-token': channel.token ?? '',
      'x-goog-channel-expiration': new Date(Number(channel.expiration)).toUTCString(),
      'x-goog-resource-id': channel.resourceId,
      'x-goog-resource-uri': 'https://www.googleapis.com/calendar/v3/calendars/x/events?alt=json',
      'x-goog-resource-state': 'exists',
      'x-goog-message-number': String(messageNumber),
      ...overrides,
    },
  });
}

export interface RecordedChange {
  appointmentId: string;
  status: string;
}

/** The `appointment.changed` events of the tenant, oldest first. */
export async function appointmentEvents(
  scene: CalendarScene,
  tenantId: string,
): Promise<RecordedChange[]> {
  return scene.app.get(DataSource).query(
    `SELECT stream_id AS "appointmentId", status FROM domain_events
      WHERE tenant_id = $1 AND type = 'appointment.changed' ORDER BY occurred_at, seq`,
    [tenantId],
  );
}

export async function appointmentOf(scene: CalendarScene, tenantId: string, eventId: string) {
  const rows: { id: string; status: string; startsAt: Date; endsAt: Date }[] = await scene.app
    .get(DataSource)
    .query(
      `SELECT id, status, starts_at AS "startsAt", ends_at AS "endsAt"
         FROM calendar_appointments WHERE tenant_id = $1 AND event_id = $2`,
      [tenantId, eventId],
    );
  return rows[0];
}

/** Calendar v3 event lists the fake answered for a calendar, with or without a sync token. */
export function listsOf(scene: CalendarScene, calendarId: string) {
  return scene.google.requests.filter(
    (request) =>
      request.method === 'GET' &&
      decodeURIComponent(request.path) === `/calendar/v3/calendars/${calendarId}/events` &&
      !('timeMin' in (request.query as object)),
  );
}
