import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { metricsHeaders } from '@test/support/test-app';

/**
 * The sum of a metric's samples whose labels include `labels`, as the app's own /metrics
 * reports them (0 when there is none), so a scenario can quote the app's view of what happened.
 */
export async function metricSum(
  app: NestFastifyApplication,
  name: string,
  labels: Record<string, string> = {},
): Promise<number> {
  const text = (await app.inject({ method: 'GET', url: '/metrics', headers: metricsHeaders })).body;
  const wanted = Object.entries(labels).map(([key, value]) => `${key}="${value}"`);
  let sum = 0;
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(\{[^}]*\})?\s+(\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    if (wanted.every((pair) => (match[2] ?? '').includes(pair))) sum += Number(match[3]);
  }
  return sum;
}
