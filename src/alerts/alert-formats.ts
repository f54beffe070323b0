import type { AlertNotice } from './alert-deliveries.enqueuer';
import type { AlertRow } from './history/alerts.repository';

const ICON: Record<string, string> = { critical: '🔴', warning: '🟠', info: '🔵' };
/** Discord embed colours (decimal RGB) per severity, green for a resolution. */
const COLOUR: Record<string, number> = { critical: 0xd92d20, warning: 0xf79009, info: 0x2e90fa };
const RESOLVED_COLOUR = 0x12b76a;

function headline(alert: AlertRow, notice: AlertNotice): string {
  if (notice === 'resolved') return `✅ Resolved: ${alert.title}`;
  const again = notice === 'repeat' ? ' (still firing)' : '';
  return `${ICON[alert.severity] ?? ''} [${alert.severity.toUpperCase()}] ${alert.title}${again}`;
}

function facts(alert: AlertRow): [string, string][] {
  return [
    ['type', alert.type],
    ['subject', alert.subject],
    ...(alert.tenantId ? ([['tenant', alert.tenantId]] as [string, string][]) : []),
    ...Object.entries(alert.labels),
    ['raised', alert.raisedAt.toISOString()],
    ...(alert.resolvedAt
      ? ([['resolved', alert.resolvedAt.toISOString()]] as [string, string][])
      : []),
  ];
}

function cut(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/**
 * Slack incoming webhook body: `text` is the notification and fallback, `blocks` the layout
 * (header plain_text ≤ 150 chars, section mrkdwn ≤ 3000, context ≤ 10 elements).
 */
export function slackBody(alert: AlertRow, notice: AlertNotice): unknown {
  const text = headline(alert, notice);
  const details = facts(alert)
    .map(([key, value]) => `*${key}*: ${value}`)
    .join('\n');
  return {
    text,
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: cut(text, 150), emoji: true } },
      ...(alert.detail
        ? [{ type: 'section', text: { type: 'mrkdwn', text: cut(alert.detail, 3_000) } }]
        : []),
      { type: 'section', text: { type: 'mrkdwn', text: cut(details, 3_000) } },
    ],
  };
}

/**
 * Discord execute-webhook body: `content` ≤ 2000 chars, one embed (title ≤ 256, description
 * ≤ 4096, ≤ 25 fields of name ≤ 256 / value ≤ 1024). `allowed_mentions.parse: []` so nothing
 * in an alert can ping @everyone.
 */
export function discordBody(alert: AlertRow, notice: AlertNotice): unknown {
  const text = headline(alert, notice);
  return {
    content: cut(text, 2_000),
    allowed_mentions: { parse: [] },
    embeds: [
      {
        title: cut(alert.title, 256),
        ...(alert.detail ? { description: cut(alert.detail, 4_096) } : {}),
        color: notice === 'resolved' ? RESOLVED_COLOUR : COLOUR[alert.severity],
        timestamp: (alert.resolvedAt ?? alert.raisedAt).toISOString(),
        fields: facts(alert)
          .slice(0, 25)
          .map(([name, value]) => ({
            name: cut(name, 256),
            value: cut(value, 1_024),
            inline: true,
          })),
      },
    ],
  };
}

/** The generic webhook's body: the alert as the history route shows it, and what happened. */
export function webhookBody(alert: AlertRow, notice: AlertNotice): unknown {
  return {
    id: alert.id,
    type: notice === 'resolved' ? 'alert.resolved' : 'alert.firing',
    createdAt: new Date().toISOString(),
    data: {
      alertId: alert.id,
      type: alert.type,
      subject: alert.subject,
      tenantId: alert.tenantId,
      severity: alert.severity,
      status: alert.status,
      title: alert.title,
      detail: alert.detail,
      labels: alert.labels,
      occurrences: alert.occurrences,
      raisedAt: alert.raisedAt.toISOString(),
      resolvedAt: alert.resolvedAt?.toISOString() ?? null,
      repeat: notice === 'repeat',
    },
  };
}
