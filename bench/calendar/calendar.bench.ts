// Google Calendar reads (issue 13): the production app in this process against the Google
// fake, one connected tenant with two calendars holding BENCH_CALENDAR_EVENTS appointments
// (busy blocks) over four weeks. Times GET /api/v2/calendar/availability and
// GET /api/v2/calendar/events for a one-week range, each with a cold cache (the tenant's read
// cache forgotten before every read, as after a write or a push) and a warm one (the same
// read again). In-process requests (app.inject): the figures are the server's handling,
// Google's round trips to the fake on loopback included, no client network.
import { performance } from 'node:perf_hooks';
import { randomBytes } from 'node:crypto';
import { CalendarCache } from '@app/calendar/cache/calendar-cache';
import {
  CALENDARS,
  connectedTenant,
  startCalendarScene,
} from '@test/integration/calendar/calendar-harness';
import { BASE_TEST_ENV } from '@test/support/test-env';
import { prepareBenchEnvironment } from '../support/environment';
import { numberFromEnv, percentile, printTargets, Target, writeResults } from '../support/report';

const FROM = '2030-03-04T00:00:00Z';
const WEEK_TO = '2030-03-11T00:00:00Z';

interface Timing {
  route: 'availability' | 'events';
  cache: 'cold' | 'warm';
  samples: number;
  p50Ms: number;
  p99Ms: number;
}

export async function runCalendarBenchmark(): Promise<void> {
  const EVENTS = numberFromEnv('BENCH_CALENDAR_EVENTS', 400);
  const SAMPLES = numberFromEnv('BENCH_CALENDAR_SAMPLES', 200);

  const environment = await prepareBenchEnvironment();
  const scene = await startCalendarScene({
    ...BASE_TEST_ENV,
    APP_ROLE: 'api',
    DATABASE_URL: environment.databaseUrl,
    REDIS_URL: environment.redisUrl,
    QUEUE_PREFIX: environment.queuePrefix,
    SECRETS_KEYS: `bench:${randomBytes(32).toString('base64')}`,
    THROTTLE_LIMIT: '100000000',
    LOG_LEVEL: 'warn',
  });
  try {
    const tenant = await connectedTenant(scene);
    // Busy blocks straight into the fake (as if booked in Google), spread over four weeks.
    for (let n = 0; n < EVENTS; n += 1) {
      const calendar = CALENDARS[n % CALENDARS.length];
      const start = new Date(Date.parse(FROM) + ((n * 97) % (28 * 24)) * 3_600_000);
      scene.google.store.save(calendar.id, {
        id: `bench${String(n).padStart(8, '0')}`,
        status: 'confirmed',
        summary: 'Consulta',
        start: { dateTime: start.toISOString() },
        end: { dateTime: new Date(start.getTime() + 30 * 60_000).toISOString() },
        created: new Date().toISOString(),
      });
    }
    const cache = scene.app.get(CalendarCache);
    const urls = {
      availability: `/api/v2/calendar/availability?from=${FROM}&to=${WEEK_TO}&duration=30`,
      events: `/api/v2/calendar/events?from=${FROM}&to=${WEEK_TO}&limit=100`,
    };
    const read = async (url: string) => {
      const started = performance.now();
      const answer = await scene.app.inject({ method: 'GET', url, headers: tenant.headers });
      const elapsed = performance.now() - started;
      if (answer.statusCode !== 200) throw new Error(`${url} answered ${answer.statusCode}`);
      return elapsed;
    };

    const timings: Timing[] = [];
    for (const route of ['availability', 'events'] as const) {
      for (const state of ['cold', 'warm'] as const) {
        const samples: number[] = [];
        await read(urls[route]);
        for (let i = 0; i < SAMPLES; i += 1) {
          if (state === 'cold') await cache.invalidate(tenant.id);
          samples.push(await read(urls[route]));
        }
        const timing: Timing = {
          route,
          cache: state,
          samples: samples.length,
          p50Ms: Math.round(percentile(samples, 50) * 10) / 10,
          p99Ms: Math.round(percentile(samples, 99) * 10) / 10,
        };
        timings.push(timing);
        console.log(`  ${route}, ${state} cache: p50 ${timing.p50Ms} ms, p99 ${timing.p99Ms} ms`);
      }
    }

    const p99 = (route: Timing['route'], state: Timing['cache']) =>
      timings.find((t) => t.route === route && t.cache === state)!.p99Ms;
    const targets: Target[] = (['availability', 'events'] as const).map((route) => ({
      target: `${route}: a warm read's p99 below a cold one's (the cache pays)`,
      measured: `warm p99 ${p99(route, 'warm')} ms, cold p99 ${p99(route, 'cold')} ms`,
      met: p99(route, 'warm') < p99(route, 'cold'),
    }));
    const file = writeResults('calendar', {
      config: { events: EVENTS, samples: SAMPLES, range: { from: FROM, to: WEEK_TO } },
      timings,
      targets,
    });
    printTargets(targets);
    console.log(`Results: ${file}`);
  } finally {
    await scene.close();
    await environment.dispose();
  }
}
