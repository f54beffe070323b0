import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { register } from 'prom-client';
import { newId } from '@core/database/ids';
import { metaMessages, metaMessagesWebhook } from '@test/fakes/meta-graph/webhooks';
import { CloudApiScenario, startCloudApiScenario } from '@test/support/cloud-api-scenario';
import { eventually } from '@test/support/eventually';
import { promqlReferences, ruleExpressions } from '@test/support/promql-references';
import { metricsHeaders } from '@test/support/test-app';

const DOCKER = join(__dirname, '..', '..', 'docker');
/** Series Prometheus makes itself, and the labels it adds to every scraped one. */
const PROMETHEUS_SERIES = new Set(['up', 'ALERTS']);
const TARGET_LABELS = new Set(['job', 'instance', 'le', 'alertstate', 'alertname', 'severity']);
/**
 * Counters of rare events this traffic does not cause (a provider fallback needs a second
 * provider and policy): checked against their declaration (name and label names) instead.
 */
const DECLARED_ONLY = new Set(['message_fallbacks_total']);

function dashboardExpressions(): { where: string; expr: string }[] {
  const dashboards = join(DOCKER, 'grafana', 'dashboards');
  const file = JSON.parse(readFileSync(join(dashboards, 'omnihub.json'), 'utf8')) as {
    panels: { title: string; targets?: { expr: string }[] }[];
  };
  return file.panels.flatMap((panel) =>
    (panel.targets ?? []).map(({ expr }) => ({ where: `panel "${panel.title}"`, expr })),
  );
}

function ruleFileExpressions(): { where: string; expr: string }[] {
  const yaml = readFileSync(join(DOCKER, 'prometheus', 'rules.yml'), 'utf8');
  return ruleExpressions(yaml).map((expr) => ({ where: 'rules.yml', expr }));
}

/** Series name → label names seen on its samples, from the exposition text. */
function scraped(text: string): Map<string, Set<string>> {
  const series = new Map<string, Set<string>>();
  for (const line of text.split('\n')) {
    if (line.startsWith('#') || line.trim() === '') continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})?\s/.exec(line);
    if (!match) continue;
    const labels = series.get(match[1]) ?? new Set<string>();
    for (const [, label] of (match[3] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="/g))
      labels.add(label);
    series.set(match[1], labels);
  }
  return series;
}

/** Label names a metric is declared with (prom-client keeps them on the metric). */
function declaredLabels(name: string): Set<string> | undefined {
  const metric = register.getSingleMetric(name) as unknown as { labelNames?: string[] } | undefined;
  return metric ? new Set(metric.labelNames ?? []) : undefined;
}

/**
 * Every metric and label that docker/prometheus/rules.yml and the Grafana dashboard use exists
 * in a running Omnihub's /metrics after real traffic: sends that succeed and fail at the Graph
 * fake, webhooks (handled, for an unknown number, for an unhandled object), a token Meta refuses.
 */
describe('Metric names used by alert rules and dashboards', () => {
  let scenario: CloudApiScenario;

  beforeAll(async () => {
    scenario = await startCloudApiScenario({ accountName: 'cobertura' });
  });

  afterAll(() => scenario.close());

  async function send(text: string, to = '+5511987659999'): Promise<string> {
    const response = await scenario.app.inject({
      method: 'POST',
      url: '/api/v2/whatsapp/send/text',
      headers: scenario.tenant.headers,
      payload: { instanceId: 'cobertura', to, text },
    });
    expect(response.statusCode).toBe(202);
    return response.json<{ id: string }>().id;
  }

  const statusOf = async (id: string) =>
    (
      await scenario.app.inject({
        method: 'GET',
        url: `/api/v2/messages/${id}`,
        headers: scenario.tenant.headers,
      })
    ).json<{ status: string }>().status;

  async function realTraffic(): Promise<void> {
    await scenario.customerWrites('5511987659999', 'Olá');
    const ok = await send('tudo certo');
    await eventually(async () => expect(await statusOf(ok)).toBe('sent'));
    scenario.graph.failNext(1, 131000);
    const retried = await send('falha e depois vai');
    await eventually(async () => expect(await statusOf(retried)).toBe('sent'));
    const unknownNumber = { phoneNumberId: `9${Date.now()}`, wabaId: '102290129340398' };
    await scenario.webhook(
      metaMessagesWebhook(
        unknownNumber,
        { waId: '5511900000000', name: 'X' },
        metaMessages.text({ from: '5511900000000', id: `wamid.${newId()}` }, 'oi'),
      ),
    );
    await scenario.webhook({ object: 'permissions', entry: [] });
    scenario.graph.failNext(1, 190);
    const refused = await send('token recusado');
    await eventually(async () => expect(await statusOf(refused)).toBe('failed'));
    await scenario.app.inject({ method: 'GET', url: '/health/ready' });
    // hub_messages_total is counted by an event-stream subscriber: wait for it to catch up.
    await eventually(async () =>
      expect(await messagesCounted({ direction: 'outbound', status: 'failed' })).toBeGreaterThan(0),
    );
  }

  /** hub_messages_total for WhatsApp text messages with these labels, read from the registry. */
  async function messagesCounted(labels: { direction: string; status: string }): Promise<number> {
    const metric = register.getSingleMetric('hub_messages_total');
    const values = metric ? (await metric.get()).values : [];
    return values
      .filter(
        (value) =>
          value.labels.hub === 'whatsapp' &&
          value.labels.type === 'text' &&
          value.labels.direction === labels.direction &&
          value.labels.status === labels.status,
      )
      .reduce((sum, value) => sum + value.value, 0);
  }

  it('counts the messages of each hub by direction, status and type, with no ids in labels', async () => {
    const before = {
      received: await messagesCounted({ direction: 'inbound', status: 'received' }),
      queued: await messagesCounted({ direction: 'outbound', status: 'queued' }),
      sent: await messagesCounted({ direction: 'outbound', status: 'sent' }),
    };
    await scenario.customerWrites('5511987658888', 'Oi de novo');
    const id = await send('contado', '+5511987658888');
    await eventually(async () => expect(await statusOf(id)).toBe('sent'));

    await eventually(async () =>
      expect({
        received: await messagesCounted({ direction: 'inbound', status: 'received' }),
        queued: await messagesCounted({ direction: 'outbound', status: 'queued' }),
        sent: await messagesCounted({ direction: 'outbound', status: 'sent' }),
      }).toEqual({
        received: before.received + 1,
        queued: before.queued + 1,
        sent: before.sent + 1,
      }),
    );
    const scrape = await scenario.app.inject({
      method: 'GET',
      url: '/metrics',
      headers: metricsHeaders,
    });
    const lines = scrape.body.split('\n').filter((line) => line.startsWith('hub_messages_total{'));
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) {
      expect(line).not.toMatch(/5511|[0-9a-f]{8}-[0-9a-f]{4}-/);
    }
  });

  it('finds every metric and label of rules.yml and the dashboard in /metrics', async () => {
    await realTraffic();
    const scrape = await scenario.app.inject({
      method: 'GET',
      url: '/metrics',
      headers: metricsHeaders,
    });
    expect(scrape.statusCode).toBe(200);
    const series = scraped(scrape.body);

    const problems: string[] = [];
    const expressions = [...ruleFileExpressions(), ...dashboardExpressions()];
    expect(expressions.length).toBeGreaterThan(15);
    for (const { where, expr } of expressions) {
      const { selectors, grouping } = promqlReferences(expr);
      const seenLabels = new Set<string>();
      for (const [name, labels] of selectors) {
        if (PROMETHEUS_SERIES.has(name)) continue;
        const have = DECLARED_ONLY.has(name) ? declaredLabels(name) : series.get(name);
        if (!have) {
          problems.push(`${where}: no series ${name} (in: ${expr.trim()})`);
          continue;
        }
        have.forEach((label) => seenLabels.add(label));
        for (const label of labels) {
          if (!TARGET_LABELS.has(label) && !have.has(label)) {
            problems.push(`${where}: ${name} has no label ${label}`);
          }
        }
      }
      for (const label of grouping) {
        const generated = [...selectors.keys()].some((name) => PROMETHEUS_SERIES.has(name));
        if (!TARGET_LABELS.has(label) && !generated && !seenLabels.has(label)) {
          problems.push(
            `${where}: grouped by ${label}, which no series of it has (${expr.trim()})`,
          );
        }
      }
    }
    expect(problems).toEqual([]);
  });
});
