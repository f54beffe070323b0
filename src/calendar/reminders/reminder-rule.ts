/** What a patient's quick-reply button asks for. */
export const REPLY_ACTIONS = ['confirm', 'reschedule', 'cancel'] as const;
export type ReplyAction = (typeof REPLY_ACTIONS)[number];

/** Values of the appointment a template body parameter can take, in the rule's order. */
export const BODY_PARAMETERS = ['contact_name', 'date', 'time', 'professional'] as const;
export type BodyParameter = (typeof BODY_PARAMETERS)[number];

/** One of a tenant's reminder rules. */
export interface ReminderRule {
  id: string;
  name: string;
  /** Minutes before the appointment's start. */
  offsetMinutes: number;
  /** The WhatsApp channel account that sends. */
  channelAccountId: string;
  template: { name: string; language: string };
  /** The template body's {{1}}, {{2}}… in order. */
  bodyParameters: BodyParameter[];
  /** The action of each quick-reply button, in the template's button order. */
  buttons: ReplyAction[];
  /** Sent once to the patient after each kind of reply. */
  confirmationTexts: Record<ReplyAction, string>;
  enabled: boolean;
  createdAt: string;
  updatedAt: string;
}

export type NewReminderRule = Omit<ReminderRule, 'id' | 'createdAt' | 'updatedAt'>;
