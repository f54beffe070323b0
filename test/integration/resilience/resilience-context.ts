import { Test, TestingModule } from '@nestjs/testing';
import { getToken } from '@willsoto/nestjs-prometheus';
import type { Gauge } from 'prom-client';
import { ConfigModule } from '@config/config.module';
import { PlatformError } from '@core/errors/platform-error';
import { RedisModule } from '@core/redis/redis.module';
import { BreakerKey } from '@core/resilience/breaker-key';
import { ResilienceModule } from '@core/resilience/resilience.module';
import { HUB_CIRCUIT_STATE } from '@core/resilience/resilience.metrics';
import { testConfig } from '@test/support/test-app';

/** A Nest context with its own Redis connections, as one app instance (pod) would have. */
export async function resilienceContext(overrides: Record<string, string> = {}) {
  const moduleRef: TestingModule = await Test.createTestingModule({
    imports: [ConfigModule.forConfig(testConfig(overrides)), RedisModule, ResilienceModule],
  }).compile();
  await moduleRef.init();
  return moduleRef;
}

let accounts = 0;
/** A breaker key no other test touches (the gauge is process-global). */
export function uniqueKey(hub = 'whatsapp', provider = 'meta-cloud'): BreakerKey {
  accounts += 1;
  return { hub, provider, account: `acct-${process.pid}-${Date.now()}-${accounts}` };
}

export async function gaugeValue(moduleRef: TestingModule, key: BreakerKey) {
  const gauge = moduleRef.get<Gauge<'hub' | 'provider' | 'account'>>(getToken(HUB_CIRCUIT_STATE));
  const { values } = await gauge.get();
  return values.find(
    (value) =>
      value.labels.hub === key.hub &&
      value.labels.provider === key.provider &&
      value.labels.account === key.account,
  )?.value;
}

export const serverError = () =>
  new PlatformError('whatsapp', 'send', 'server', 'Upstream answered 502', { status: 502 });
/** A send that broke after it was written: the platform may have taken it. */
export const outcomeUnknown = () =>
  new PlatformError(
    'whatsapp',
    'send_message',
    'outcome-unknown',
    'whatsapp send_message: no answer within 10 ms after the request was sent',
  );
export const rejected = () =>
  new PlatformError('whatsapp', 'send', 'rejected', 'Invalid parameter', { status: 400 });
export const rateLimited = (retryAfterMs: number) =>
  new PlatformError('whatsapp', 'send', 'rate-limited', 'Too many requests', {
    status: 429,
    retryAfterMs,
  });

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls until `check` holds, failing with `what` after `timeoutMs`. */
export async function waitFor(
  what: string,
  check: () => boolean | Promise<boolean>,
  timeoutMs = 5_000,
  intervalMs = 20,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting: ${what}`);
    await sleep(intervalMs);
  }
}

/** Runs `fn` through `run` and returns what it threw (fails if it did not throw). */
export async function thrownBy(run: () => Promise<unknown>): Promise<unknown> {
  try {
    await run();
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to throw');
}
