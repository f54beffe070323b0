import { REPLY_ACTIONS, type ReplyAction } from './reminder-rule';

const PREFIX = 'omnihub.reminder';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * The payload of a reminder's quick-reply button: the reminder and the action, so a tap names
 * exactly which appointment it answers (a patient may have several reminders open).
 */
export function replyPayload(reminderId: string, action: ReplyAction): string {
  return `${PREFIX}:${reminderId}:${action}`;
}

/** The reminder and action a payload names; null for any other payload. */
export function parseReplyPayload(
  payload: string | null | undefined,
): { reminderId: string; action: ReplyAction } | null {
  const [prefix, reminderId, action, ...rest] = (payload ?? '').split(':');
  if (prefix !== PREFIX || rest.length > 0 || !UUID.test(reminderId ?? '')) return null;
  if (!REPLY_ACTIONS.includes(action as ReplyAction)) return null;
  return { reminderId, action: action as ReplyAction };
}
