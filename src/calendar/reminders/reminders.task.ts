import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '@config/app-config';
import { DomainError } from '@core/errors/domain-error';
import { MaintenanceTask, PeriodicTask } from '@core/queue/maintenance-task';
import { ContactsService } from '@app/messaging/contacts/contacts.service';
import { OutboundDispatcher } from '@app/messaging/outbound/outbound.dispatcher';
import { CalendarConnectionsRepository } from '../connection/calendar-connections.repository';
import { CalendarSettingsRepository } from '../settings/calendar-settings.repository';
import { ReminderClock } from './reminder-clock';
import { ReminderRecipients } from './reminder-recipients';
import { ReminderRulesRepository } from './reminder-rules.repository';
import { reminderComponents } from './reminder-template';
import { Reminder, RemindersRepository } from './reminders.repository';

const BATCH = 100;
const LEASE_MS = 5 * 60_000;
/** A send that could not be tried (account busy, Redis down) is tried again after this. */
const RETRY_MS = 60_000;
export const REMINDERS_PURPOSE = 'reminders';

/**
 * Sends the reminders that are due. Each send carries the idempotency key
 * `calendar-reminder:<id>:<revision>`: a run that dies after the send and before marking the
 * row lets the next run repeat the send, which answers the first message instead of a second.
 * A reminder whose appointment has started by the time it could go is skipped.
 */
@Injectable()
@MaintenanceTask()
export class RemindersTask implements PeriodicTask {
  readonly name = 'calendar.reminders';
  readonly everyMs: number;
  private readonly logger = new Logger(RemindersTask.name);

  constructor(
    config: AppConfig,
    private readonly reminders: RemindersRepository,
    private readonly rules: ReminderRulesRepository,
    private readonly recipients: ReminderRecipients,
    private readonly contacts: ContactsService,
    private readonly connections: CalendarConnectionsRepository,
    private readonly settings: CalendarSettingsRepository,
    private readonly dispatcher: OutboundDispatcher,
    private readonly clock: ReminderClock,
  ) {
    this.everyMs = config.calendar.remindersEveryMs;
  }

  async run(): Promise<{ sent: number; released: number }> {
    let sent = 0;
    let released = 0;
    for (;;) {
      const now = this.clock.now();
      const due = await this.reminders.claimDue(now, new Date(now.getTime() + LEASE_MS), BATCH);
      for (const reminder of due) {
        if (await this.sendOne(reminder, now)) sent++;
        else released++;
      }
      // Released rows are leased until their retry time; a short batch means none is left.
      if (due.length < BATCH) return { sent, released };
    }
  }

  /** True when the reminder was settled (sent, skipped or failed); false when given back. */
  private async sendOne(reminder: Reminder, now: Date): Promise<boolean> {
    const rule = await this.rules.get(reminder.tenantId, reminder.ruleId);
    if (!rule?.enabled) {
      await this.reminders.settle(reminder, { status: 'skipped', errorCode: 'RULE_DISABLED' });
      return true;
    }
    if (reminder.appointmentStart <= now) {
      await this.reminders.settle(reminder, { status: 'skipped', errorCode: 'TOO_LATE' });
      return true;
    }
    try {
      const { tenantId } = reminder;
      const to = await this.recipients.addressOf(
        tenantId,
        reminder.contactId,
        rule.channelAccountId,
      );
      if (!to) {
        await this.reminders.settle(reminder, {
          status: 'failed',
          errorCode: 'CALENDAR.REMINDER_NO_ADDRESS',
        });
        return true;
      }
      const [profile, settings, calendars] = await Promise.all([
        this.contacts.profileOf(tenantId, reminder.contactId),
        this.settings.get(tenantId),
        this.connections.calendars(tenantId),
      ]);
      const components = reminderComponents(rule, reminder.id, {
        contactName: profile?.name,
        start: reminder.appointmentStart,
        timeZone: settings.timeZone,
        professional: calendars.find((c) => c.calendarId === reminder.calendarId)?.summary,
      });
      const accepted = await this.dispatcher.accept({
        tenantId,
        channelAccountId: rule.channelAccountId,
        to,
        type: 'template',
        template: { name: rule.template.name, language: rule.template.language, components },
        purpose: REMINDERS_PURPOSE,
        idempotency: {
          key: `calendar-reminder:${reminder.id}:${reminder.revision}`,
          fingerprint: 'calendar-reminder',
        },
      });
      await this.reminders.settle(reminder, { status: 'sent', messageId: accepted.id, at: now });
      return true;
    } catch (error) {
      // Refused for good (consent withdrawn, template unknown, account gone): recorded with
      // its code. Anything passing (account busy, Redis or a platform down) is tried again.
      if (error instanceof DomainError && !['unavailable', 'rate-limited'].includes(error.kind)) {
        await this.reminders.settle(reminder, { status: 'failed', errorCode: error.code });
        return true;
      }
      this.logger.warn(
        { reminderId: reminder.id, error: (error as Error).message },
        'Reminder not sent now; the next run tries again',
      );
      await this.reminders.release(reminder, new Date(now.getTime() + RETRY_MS));
      return false;
    }
  }
}
