import { newId } from '@core/database/ids';
import { ReminderClock } from '@app/calendar/reminders/reminder-clock';
import { ReminderErasureListener } from '@app/calendar/reminders/reminder-erasure.listener';
import { ReminderRepliesListener } from '@app/calendar/reminders/reminder-replies.listener';
import type { MessagingEvent } from '@app/messaging/events/messaging-event';
import { RemindersTask } from '@app/calendar/reminders/reminders.task';
import { GoogleFake, startGoogleFake } from '@test/fakes/google/google-fake';
import { metaMessages, metaMessagesWebhook } from '@test/fakes/meta-graph/webhooks';
import { CloudApiScenario, startCloudApiScenario } from '@test/support/cloud-api-scenario';
import { eventually } from '@test/support/eventually';
import { AppointmentChangesListener } from '@app/calendar/reminders/appointment-changes.listener';
import { AppointmentsRepository } from '@app/calendar/sync/appointments.repository';
import { CALENDARS, CLIENT, FRONTEND, callback, consentUrl } from './calendar-harness';

const DRA_ANA = CALENDARS[1].id;
/** Waits until a synchronous assertion about what a fake received holds. */
const holds = (assertion: () => void) => eventually(() => Promise.resolve().then(assertion));
const TEMPLATE = {
  name: 'lembrete_consulta',
  language: 'pt_BR',
  status: 'APPROVED',
  category: 'UTILITY',
  components: [
    { type: 'BODY', text: 'Olá {{1}}, sua consulta é em {{2}} às {{3}} com {{4}}.' },
    {
      type: 'BUTTONS',
      buttons: [
        { type: 'QUICK_REPLY', text: 'Confirmar' },
        { type: 'QUICK_REPLY', text: 'Remarcar' },
        { type: 'QUICK_REPLY', text: 'Cancelar' },
      ],
    },
  ],
};
const TEXTS = {
  confirm: 'Consulta confirmada, obrigado!',
  reschedule: 'Vamos falar com você para remarcar.',
  cancel: 'Sua consulta foi cancelada.',
};

/**
 * Appointment reminders end to end: a rule, an appointment booked through Omnihub for a
 * WhatsApp contact, the reminder task driven by an injected clock sending the template to the
 * Graph fake, and the patient's button reply acting on the appointment at the Google fake.
 */
describe('appointment reminders', () => {
  let scenario: CloudApiScenario;
  let google: GoogleFake;
  let now: Date;
  let waCounter = 0;

  beforeAll(async () => {
    google = await startGoogleFake({ client: CLIENT, calendars: structuredClone(CALENDARS) });
    scenario = await startCloudApiScenario({
      accountName: 'clinica',
      templates: [TEMPLATE],
      env: {
        GOOGLE_OAUTH_CLIENT_ID: CLIENT.clientId,
        GOOGLE_OAUTH_CLIENT_SECRET: CLIENT.clientSecret,
        GOOGLE_OAUTH_REDIRECT_URI: CLIENT.redirectUri,
        GOOGLE_OAUTH_AUTH_URL: `${google.url}/o/oauth2/v2/auth`,
        GOOGLE_OAUTH_TOKEN_URL: `${google.url}/token`,
        GOOGLE_OAUTH_REVOKE_URL: `${google.url}/revoke`,
        GOOGLE_CALENDAR_BASE_URL: google.url,
        CALENDAR_FRONTEND_REDIRECT_URL: FRONTEND,
      },
    });
    const scene = { app: scenario.app, google, close: () => Promise.resolve() };
    const { code, state } = google.oauth.consent(await consentUrl(scene, scenario.tenant));
    const answer = await callback(scene, { state, code, scope: 'x', authuser: '0' });
    expect(answer.headers.location).toBe(`${FRONTEND}?calendar=connected`);
    jest.spyOn(scenario.app.get(ReminderClock), 'now').mockImplementation(() => now);

    const rule = await call('POST', '/api/v2/calendar/reminder-rules', {
      name: '24 h antes',
      offsetMinutes: 1440,
      channelAccountId: 'clinica',
      template: { name: TEMPLATE.name, language: TEMPLATE.language },
      bodyParameters: ['contact_name', 'date', 'time', 'professional'],
      buttons: ['confirm', 'reschedule', 'cancel'],
      confirmationTexts: TEXTS,
    });
    expect(rule.statusCode).toBe(201);
  });
  afterAll(async () => {
    await scenario?.close();
    await google?.close();
  });

  const call = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: object) =>
    scenario.app.inject({ method, url, payload, headers: scenario.tenant.headers });
  const receivedEvent = async (wamid: string): Promise<MessagingEvent> => {
    const [row] = await scenario.db.query(
      `SELECT d.* FROM domain_events d JOIN messages m ON m.id = d.message_id
       WHERE m.provider_message_id = $1 AND d.type = 'message.received'`,
      [wamid],
    );
    if (!row) throw new Error('the reply is not stored yet');
    return {
      id: row.id,
      type: row.type,
      tenantId: row.tenant_id,
      streamId: row.stream_id,
      seq: Number(row.seq),
      conversationId: row.conversation_id,
      messageId: row.message_id,
      occurredAt: row.occurred_at,
    };
  };
  const runTask = () => scenario.app.get(RemindersTask).run();
  const templatesTo = (waId: string) =>
    scenario.graph.sent().filter((s) => s.body.to === waId && s.body.type === 'template');
  const textsTo = (waId: string) =>
    scenario.graph
      .sent()
      .filter((s) => s.body.to === waId && s.body.type === 'text')
      .map((s) => (s.body.text as { body: string }).body);

  /** A patient who wrote once (a WhatsApp contact) with an appointment at `start` (UTC). */
  async function bookedPatient(start: string): Promise<{ waId: string; eventId: string }> {
    const waId = `55119876${String(++waCounter).padStart(5, '0')}${process.pid % 10}`;
    await scenario.customerWrites(waId, 'Oi, quero marcar', 'Ana Souza');
    const [{ contactId }] = await scenario.db.query(
      `SELECT contact_id AS "contactId" FROM contact_identities
        WHERE tenant_id = $1 AND type = 'wa_id' AND value = $2`,
      [scenario.tenant.id, waId],
    );
    const end = new Date(new Date(start).getTime() + 30 * 60_000).toISOString();
    const booked = await call('POST', '/api/v2/calendar/events', {
      calendarId: DRA_ANA,
      title: 'Consulta',
      start,
      end,
      contactId,
      allowOverlap: true,
    });
    expect(booked.statusCode).toBe(201);
    return { waId, eventId: booked.json<{ id: string }>().id };
  }

  it('sends the reminder once, at its due time, with the appointment in the tenant zone', async () => {
    now = new Date('2030-03-09T10:00:00Z');
    const { waId } = await bookedPatient('2030-03-10T12:00:00Z');

    now = new Date('2030-03-09T11:59:00Z');
    await runTask();
    expect(templatesTo(waId)).toHaveLength(0);

    now = new Date('2030-03-09T12:00:30Z');
    await Promise.all([runTask(), runTask()]);
    await holds(() => expect(templatesTo(waId)).toHaveLength(1));
    const template = templatesTo(waId)[0].body.template as {
      components: { type: string; parameters: { text?: string; payload?: string }[] }[];
    };
    expect(template.components[0].parameters.map((p) => p.text)).toEqual([
      'Ana Souza',
      '10/03/2030',
      '12:00',
      'Dra. Ana',
    ]);

    await runTask();
    expect(templatesTo(waId)).toHaveLength(1);
  });

  it('sends nothing twice when a run dies between the send and marking it sent', async () => {
    now = new Date('2030-04-01T10:00:00Z');
    const { waId, eventId } = await bookedPatient('2030-04-05T12:00:00Z');
    now = new Date('2030-04-04T12:01:00Z');
    await runTask();
    await scenario.db.query(
      `UPDATE calendar_reminders SET status = 'scheduled', lease_until = NULL WHERE event_id = $1`,
      [eventId],
    );
    await runTask();
    await holds(() => expect(templatesTo(waId)).toHaveLength(1));
    const [row] = await scenario.db.query(
      `SELECT status FROM calendar_reminders WHERE event_id = $1`,
      [eventId],
    );
    expect(row.status).toBe('sent');
  });

  it('reschedules the reminder when the appointment moves', async () => {
    now = new Date('2030-05-01T10:00:00Z');
    const { waId, eventId } = await bookedPatient('2030-05-10T12:00:00Z');
    const moved = await call(
      'PATCH',
      `/api/v2/calendar/events/${eventId}?calendarId=${encodeURIComponent(DRA_ANA)}`,
      {
        start: '2030-05-12T15:00:00Z',
        end: '2030-05-12T15:30:00Z',
        allowOverlap: true,
      },
    );
    expect(moved.statusCode).toBe(200);

    now = new Date('2030-05-09T12:01:00Z');
    await runTask();
    expect(templatesTo(waId)).toHaveLength(0);
    now = new Date('2030-05-11T15:01:00Z');
    await runTask();
    await holds(() => expect(templatesTo(waId)).toHaveLength(1));
  });

  it('reschedules the reminder when the appointment is moved in Google (appointment.changed)', async () => {
    now = new Date('2030-06-01T10:00:00Z');
    const { waId, eventId } = await bookedPatient('2030-06-10T12:00:00Z');
    const [{ contactId }] = await scenario.db.query(
      `SELECT contact_id AS "contactId" FROM contact_identities
        WHERE tenant_id = $1 AND type = 'wa_id' AND value = $2`,
      [scenario.tenant.id, waId],
    );
    // The event as Google lists it to the sync (our ids in its private properties).
    const event = {
      id: eventId,
      status: 'confirmed',
      etag: '"booked"',
      start: { dateTime: '2030-06-10T12:00:00Z' },
      end: { dateTime: '2030-06-10T12:30:00Z' },
      extendedProperties: { private: { omnihubContactId: contactId } },
    };
    const appointments = scenario.app.get(AppointmentsRepository);
    // What the sync does when a push brings the move made in Google.
    await appointments.apply(scenario.tenant.id, DRA_ANA, event, false);
    const change = await appointments.apply(
      scenario.tenant.id,
      DRA_ANA,
      {
        ...event,
        start: { dateTime: '2030-06-12T15:00:00Z' },
        end: { dateTime: '2030-06-12T15:30:00Z' },
        etag: '"moved"',
      },
      true,
    );
    expect(change).toBe('moved');
    const [row] = await scenario.db.query(
      `SELECT * FROM domain_events WHERE tenant_id = $1 AND type = 'appointment.changed'
        ORDER BY seq DESC LIMIT 1`,
      [scenario.tenant.id],
    );
    await scenario.app.get(AppointmentChangesListener).onChanged({
      id: row.id,
      type: row.type,
      tenantId: row.tenant_id,
      streamId: row.stream_id,
      seq: Number(row.seq),
      status: row.status,
      occurredAt: row.occurred_at,
    });

    now = new Date('2030-06-09T12:01:00Z');
    await runTask();
    expect(templatesTo(waId)).toHaveLength(0);
    now = new Date('2030-06-11T15:01:00Z');
    await runTask();
    await holds(() => expect(templatesTo(waId)).toHaveLength(1));
  });

  it('cancels the reminder when the appointment is cancelled', async () => {
    now = new Date('2030-06-01T10:00:00Z');
    const { waId, eventId } = await bookedPatient('2030-06-10T12:00:00Z');
    const cancelled = await call(
      'DELETE',
      `/api/v2/calendar/events/${eventId}?calendarId=${encodeURIComponent(DRA_ANA)}`,
    );
    expect(cancelled.statusCode).toBe(204);

    now = new Date('2030-06-09T12:01:00Z');
    await runTask();
    expect(templatesTo(waId)).toHaveLength(0);
    const [row] = await scenario.db.query(
      `SELECT status FROM calendar_reminders WHERE event_id = $1`,
      [eventId],
    );
    expect(row.status).toBe('cancelled');
  });

  it('cancels the appointment at Google on a "Cancelar" reply and confirms it once', async () => {
    now = new Date('2030-07-01T10:00:00Z');
    const { waId, eventId } = await bookedPatient('2030-07-10T12:00:00Z');
    now = new Date('2030-07-09T12:01:00Z');
    await runTask();
    await holds(() => expect(templatesTo(waId)).toHaveLength(1));
    const [{ id: reminderId }] = await scenario.db.query(
      `SELECT id FROM calendar_reminders WHERE event_id = $1`,
      [eventId],
    );

    const wamid = `wamid.${newId()}`;
    const reply = metaMessagesWebhook(
      scenario.number,
      { waId, name: 'Ana Souza' },
      metaMessages.templateButton(
        { from: waId, id: wamid },
        'Cancelar',
        `omnihub.reminder:${reminderId}:cancel`,
      ),
    );
    expect((await scenario.webhook(reply)).statusCode).toBe(200);
    await holds(() => expect(textsTo(waId)).toEqual([TEXTS.cancel]));
    const deletes = google.requestsTo(
      'DELETE',
      '/calendar/v3/calendars/:calendarId/events/:eventId',
    );
    expect(deletes.some((r) => r.path.endsWith(`/events/${eventId}`))).toBe(true);
    const audit = await scenario.db.query(
      `SELECT action FROM audit_log WHERE tenant_id = $1 AND resource_id = $2`,
      [scenario.tenant.id, eventId],
    );
    expect(audit).toEqual([{ action: 'appointment.cancelled' }]);

    // The stream delivers the reply again (at least once): nothing more happens.
    await scenario.app.get(ReminderRepliesListener).onReceived(await receivedEvent(wamid));
    expect(textsTo(waId)).toEqual([TEXTS.cancel]);
    const replies = await scenario.db.query(
      `SELECT action FROM calendar_reminder_replies WHERE reminder_id = $1`,
      [reminderId],
    );
    expect(replies).toEqual([{ action: 'cancel' }]);
    expect(
      await scenario.db.query(
        `SELECT action FROM audit_log WHERE tenant_id = $1 AND resource_id = $2`,
        [scenario.tenant.id, eventId],
      ),
    ).toHaveLength(1);
    const outbound = await scenario.db.query(
      `SELECT count(*)::int AS n FROM messages m JOIN contact_identities i
          ON i.contact_id = (SELECT contact_id FROM conversations WHERE id = m.conversation_id)
       WHERE m.tenant_id = $2 AND m.direction = 'outbound' AND m.type = 'text' AND i.value = $1`,
      [waId, scenario.tenant.id],
    );
    expect(outbound).toEqual([{ n: 1 }]);
    // "Cancelar" is also an opt-out keyword; a reminder's button is not the patient typing it.
    const consent = await scenario.db.query(
      `SELECT 1 FROM consent_events e JOIN contact_identities i ON i.contact_id = e.contact_id
        WHERE i.tenant_id = $2 AND i.type = 'wa_id' AND i.value = $1`,
      [waId, scenario.tenant.id],
    );
    expect(consent).toEqual([]);
  });

  /** The patient taps a reminder's button (a Cloud API template quick reply). */
  async function taps(waId: string, title: string, payload: string): Promise<string> {
    const wamid = `wamid.${newId()}`;
    const delivered = await scenario.webhook(
      metaMessagesWebhook(
        scenario.number,
        { waId, name: 'Ana Souza' },
        metaMessages.templateButton({ from: waId, id: wamid }, title, payload),
      ),
    );
    expect(delivered.statusCode).toBe(200);
    return wamid;
  }

  async function remindedPatient(day: string) {
    now = new Date(`${day}T00:00:00Z`);
    const start = new Date(now.getTime() + 5 * 86_400_000);
    const patient = await bookedPatient(start.toISOString());
    now = new Date(start.getTime() - 86_400_000 + 60_000);
    await runTask();
    await holds(() => expect(templatesTo(patient.waId)).toHaveLength(1));
    const [{ id }] = await scenario.db.query(
      `SELECT id FROM calendar_reminders WHERE event_id = $1`,
      [patient.eventId],
    );
    return { ...patient, reminderId: String(id) };
  }

  it('marks the appointment confirmed at Google on a "Confirmar" reply', async () => {
    const { waId, eventId, reminderId } = await remindedPatient('2030-08-01');
    await taps(waId, 'Confirmar', `omnihub.reminder:${reminderId}:confirm`);

    await holds(() => expect(textsTo(waId)).toEqual([TEXTS.confirm]));
    const patch = google
      .requestsTo('PATCH', '/calendar/v3/calendars/:calendarId/events/:eventId')
      .filter((r) => r.path.endsWith(`/events/${eventId}`))
      .at(-1)!;
    expect(patch.json).toEqual({
      extendedProperties: { private: { omnihubStatus: 'confirmed' } },
    });
    const audit = await scenario.db.query(
      `SELECT action, actor_kind FROM audit_log WHERE tenant_id = $1 AND resource_id = $2`,
      [scenario.tenant.id, eventId],
    );
    expect(audit).toEqual([{ action: 'appointment.confirmed', actor_kind: 'system' }]);
  });

  it('records a "Remarcar" reply without touching the appointment', async () => {
    const { waId, eventId, reminderId } = await remindedPatient('2030-09-01');
    const writesBefore = google.requests.filter((r) => r.method !== 'GET').length;
    await taps(waId, 'Remarcar', `omnihub.reminder:${reminderId}:reschedule`);

    await holds(() => expect(textsTo(waId)).toEqual([TEXTS.reschedule]));
    expect(google.requests.filter((r) => r.method !== 'GET')).toHaveLength(writesBefore);
    const replies = await scenario.db.query(
      `SELECT action FROM calendar_reminder_replies WHERE reminder_id = $1`,
      [reminderId],
    );
    expect(replies).toEqual([{ action: 'reschedule' }]);
    const [row] = await scenario.db.query(
      `SELECT status FROM calendar_reminders WHERE event_id = $1`,
      [eventId],
    );
    expect(row.status).toBe('sent');
  });

  it("ignores a reminder's payload sent by someone other than its patient", async () => {
    const { eventId, reminderId } = await remindedPatient('2030-10-01');
    const stranger = `55119870${String(++waCounter).padStart(5, '0')}${process.pid % 10}`;
    await scenario.customerWrites(stranger, 'Oi');
    const wamid = await taps(stranger, 'Cancelar', `omnihub.reminder:${reminderId}:cancel`);

    let stored: MessagingEvent | undefined;
    await eventually(async () => {
      stored = await receivedEvent(wamid);
    });
    await scenario.app.get(ReminderRepliesListener).onReceived(stored!);
    expect(textsTo(stranger)).toEqual([]);
    const deletes = google
      .requestsTo('DELETE', '/calendar/v3/calendars/:calendarId/events/:eventId')
      .filter((r) => r.path.endsWith(`/events/${eventId}`));
    expect(deletes).toEqual([]);
  });

  it("cancels an erased contact's unsent reminders", async () => {
    now = new Date('2030-11-01T10:00:00Z');
    const { waId, eventId } = await bookedPatient('2030-11-10T12:00:00Z');
    const [{ contactId }] = await scenario.db.query(
      `SELECT contact_id AS "contactId" FROM calendar_reminders WHERE event_id = $1`,
      [eventId],
    );
    const erased = {
      id: newId(),
      type: 'contact.erased' as const,
      tenantId: scenario.tenant.id,
      streamId: String(contactId),
      seq: 1,
      contactId: String(contactId),
      occurredAt: now,
    };
    await scenario.app.get(ReminderErasureListener).onErased(erased);
    await scenario.app.get(ReminderErasureListener).onErased(erased);

    now = new Date('2030-11-09T12:01:00Z');
    await runTask();
    expect(templatesTo(waId)).toHaveLength(0);
    const [row] = await scenario.db.query(
      `SELECT status FROM calendar_reminders WHERE event_id = $1`,
      [eventId],
    );
    expect(row.status).toBe('cancelled');
  });
});
