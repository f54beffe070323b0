/**
 * The alerts privacy raises through AlertRaiser (core): fixed names, as they label
 * `alerts_total{type}`. Subjects carry request ids or the task's name, never a contact.
 */
export const PrivacyAlertType = {
  /** An unfinished data subject request near (warning) or past (critical) its due date. */
  RequestDue: 'privacy.request_due',
  /** The retention task's last run threw: expired data was not deleted. */
  RetentionFailed: 'retention.failed',
  /** The retention task has not completed a run for too long (never scheduled, stuck, failing). */
  RetentionStalled: 'retention.stalled',
} as const;

export const RETENTION_SUBJECT = 'privacy/retention';

export function requestSubject(requestId: string): string {
  return `privacy-request/${requestId}`;
}
