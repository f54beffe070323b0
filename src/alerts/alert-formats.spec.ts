import { discordBody, slackBody, webhookBody } from './alert-formats';
import type { AlertRow } from './history/alerts.repository';

const alert = (overrides: Partial<AlertRow> = {}): AlertRow => ({
  id: '0192f000-0000-7000-8000-000000000001',
  tenantId: null,
  type: 'circuit.open',
  subject: 'whatsapp/meta-cloud/acc-1',
  severity: 'critical',
  title: 'Circuit whatsapp/meta-cloud/acc-1 opened',
  detail: 'Calls are cut off after 5 consecutive failures.',
  labels: { hub: 'whatsapp' },
  status: 'firing',
  occurrences: 1,
  notified: false,
  raisedAt: new Date('2026-12-06T10:00:00Z'),
  lastSeenAt: new Date('2026-12-06T10:00:00Z'),
  resolvedAt: null,
  ...overrides,
});

describe('alert channel bodies', () => {
  it('gives Slack a text fallback and a header block within its 150-character limit', () => {
    const body = slackBody(alert({ title: 'x'.repeat(400) }), 'firing') as {
      text: string;
      blocks: { type: string; text: { text: string } }[];
    };
    expect(body.text).toContain('[CRITICAL]');
    expect(body.blocks[0].type).toBe('header');
    expect([...body.blocks[0].text.text].length).toBeLessThanOrEqual(150);
  });

  it('keeps Discord content and embed fields within their limits and mentions no one', () => {
    const labels = Object.fromEntries(
      Array.from({ length: 40 }, (_, i) => [`k${i}`, 'v'.repeat(2_000)]),
    );
    const body = discordBody(alert({ labels, title: '@everyone look' }), 'firing') as {
      content: string;
      allowed_mentions: { parse: string[] };
      embeds: { fields: { value: string }[]; color: number }[];
    };
    expect(body.allowed_mentions).toEqual({ parse: [] });
    expect(body.content.length).toBeLessThanOrEqual(2_000);
    expect(body.embeds[0].fields.length).toBeLessThanOrEqual(25);
    expect(Math.max(...body.embeds[0].fields.map((f) => f.value.length))).toBeLessThanOrEqual(
      1_024,
    );
  });

  it('marks resolutions as such in every channel', () => {
    const resolved = alert({ status: 'resolved', resolvedAt: new Date('2026-12-06T10:05:00Z') });
    expect((slackBody(resolved, 'resolved') as { text: string }).text).toMatch(/^✅ Resolved: /);
    expect(
      (discordBody(resolved, 'resolved') as { embeds: { color: number }[] }).embeds[0].color,
    ).toBe(0x12b76a);
    expect(webhookBody(resolved, 'resolved')).toMatchObject({
      type: 'alert.resolved',
      data: { status: 'resolved', resolvedAt: '2026-12-06T10:05:00.000Z' },
    });
  });
});
