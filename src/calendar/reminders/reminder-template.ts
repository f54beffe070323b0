import type { BodyParameter, ReminderRule } from './reminder-rule';
import { replyPayload } from './reply-payload';

export interface AppointmentFacts {
  contactName: string | undefined;
  start: Date;
  /** The tenant's zone: the patient reads the clinic's local time. */
  timeZone: string;
  /** The calendar's name (one calendar per professional). */
  professional: string | undefined;
}

/**
 * The Cloud API template components of one reminder: the body parameters the rule maps from
 * the appointment, and one quick-reply payload per button naming this reminder and the action.
 * Date and time are written in the template's language (pt_BR → 10/03/2026, 09:00).
 */
export function reminderComponents(
  rule: Pick<ReminderRule, 'bodyParameters' | 'buttons' | 'template'>,
  reminderId: string,
  facts: AppointmentFacts,
): Record<string, unknown>[] {
  const locale = rule.template.language.replace('_', '-');
  const components: Record<string, unknown>[] = [];
  if (rule.bodyParameters.length > 0) {
    components.push({
      type: 'body',
      parameters: rule.bodyParameters.map((name) => ({
        type: 'text',
        text: valueOf(name, facts, locale),
      })),
    });
  }
  rule.buttons.forEach((action, index) => {
    components.push({
      type: 'button',
      sub_type: 'quick_reply',
      index: String(index),
      parameters: [{ type: 'payload', payload: replyPayload(reminderId, action) }],
    });
  });
  return components;
}

function valueOf(name: BodyParameter, facts: AppointmentFacts, locale: string): string {
  const format = (options: Intl.DateTimeFormatOptions) =>
    new Intl.DateTimeFormat(safeLocale(locale), { timeZone: facts.timeZone, ...options }).format(
      facts.start,
    );
  switch (name) {
    case 'contact_name':
      // Meta refuses an empty parameter; a contact without a name still gets the reminder.
      return facts.contactName?.trim() || '-';
    case 'date':
      return format({ day: '2-digit', month: '2-digit', year: 'numeric' });
    case 'time':
      return format({ hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    case 'professional':
      return facts.professional?.trim() || '-';
  }
}

function safeLocale(locale: string): string {
  try {
    return Intl.DateTimeFormat.supportedLocalesOf([locale]).length > 0 ? locale : 'en-US';
  } catch {
    return 'en-US';
  }
}
