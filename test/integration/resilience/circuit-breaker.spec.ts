import { TestingModule } from '@nestjs/testing';
import { CircuitBreakerRegistry } from '@core/resilience/circuit-breaker.registry';
import { CircuitOpenError } from '@core/resilience/circuit-open.error';
import { BreakerKey } from '@core/resilience/breaker-key';
import {
  gaugeValue,
  rejected,
  resilienceContext,
  serverError,
  sleep,
  thrownBy,
  uniqueKey,
} from './resilience-context';

const THRESHOLD = 3;
const HALF_OPEN_AFTER_MS = 1_000;

describe('CircuitBreakerRegistry', () => {
  let moduleRef: TestingModule;
  let breakers: CircuitBreakerRegistry;

  beforeAll(async () => {
    moduleRef = await resilienceContext({
      CIRCUIT_WHATSAPP_FAILURE_THRESHOLD: String(THRESHOLD),
      CIRCUIT_WHATSAPP_HALF_OPEN_AFTER_MS: String(HALF_OPEN_AFTER_MS),
      CIRCUIT_CALENDAR_FAILURE_THRESHOLD: '1',
    });
    breakers = moduleRef.get(CircuitBreakerRegistry);
  });

  afterAll(async () => {
    await moduleRef.close();
  });

  const failing = (key: BreakerKey, error: () => Error) => {
    const fn = jest.fn(() => Promise.reject(error()));
    const call = () => breakers.execute(key, fn);
    return { fn, call };
  };

  async function openCircuit(key: BreakerKey): Promise<void> {
    const { call } = failing(key, serverError);
    for (let i = 0; i < THRESHOLD; i++) await expect(call()).rejects.toThrow('502');
    expect(breakers.state(key)).toBe('open');
  }

  it('passes results and errors through while closed', async () => {
    const key = uniqueKey();
    await expect(breakers.execute(key, () => Promise.resolve('sent'))).resolves.toBe('sent');
    await expect(breakers.execute(key, () => Promise.reject(serverError()))).rejects.toThrow(
      'Upstream answered 502',
    );
    expect(breakers.state(key)).toBe('closed');
  });

  it('opens after the configured number of consecutive retryable failures', async () => {
    const key = uniqueKey();
    const { fn, call } = failing(key, serverError);
    for (let i = 0; i < THRESHOLD - 1; i++) await expect(call()).rejects.toThrow('502');
    expect(breakers.state(key)).toBe('closed');
    await expect(call()).rejects.toThrow('502');
    expect(breakers.state(key)).toBe('open');
    expect(fn).toHaveBeenCalledTimes(THRESHOLD);
  });

  it('short-circuits while open: fn is not called and the error carries a Retry-After', async () => {
    const key = uniqueKey();
    await openCircuit(key);
    const fn = jest.fn(() => Promise.resolve('sent'));
    const error = await thrownBy(() => breakers.execute(key, fn));
    expect(fn).not.toHaveBeenCalled();
    expect(error).toBeInstanceOf(CircuitOpenError);
    const open = error as CircuitOpenError;
    expect(open).toMatchObject({ code: 'CIRCUIT.OPEN', kind: 'unavailable' });
    expect(open.retryAfterMs).toBeGreaterThan(0);
    expect(open.retryAfterMs).toBeLessThanOrEqual(HALF_OPEN_AFTER_MS);
    expect(open.retryAfterSeconds).toBe(1);
    expect(open.extra.retryAfterSeconds).toBe(1);
  });

  it('lets one probe through after the half-open delay and closes when it succeeds', async () => {
    const key = uniqueKey();
    await openCircuit(key);
    const { retryAfterMs } = (await thrownBy(() =>
      breakers.execute(key, () => Promise.resolve()),
    )) as CircuitOpenError;
    await sleep(retryAfterMs + 20);

    let finishProbe!: (value: string) => void;
    const probe = breakers.execute(key, () => new Promise<string>((r) => (finishProbe = r)));
    expect(breakers.state(key)).toBe('half-open');
    expect(await gaugeValue(moduleRef, key)).toBe(1);
    finishProbe('sent');
    await expect(probe).resolves.toBe('sent');

    expect(breakers.state(key)).toBe('closed');
    await expect(breakers.execute(key, () => Promise.resolve('again'))).resolves.toBe('again');
  });

  it('re-opens at once when the half-open probe fails', async () => {
    const key = uniqueKey();
    await openCircuit(key);
    await sleep(HALF_OPEN_AFTER_MS + 20);
    await expect(breakers.execute(key, () => Promise.reject(serverError()))).rejects.toThrow('502');
    expect(breakers.state(key)).toBe('open');
    const fn = jest.fn(() => Promise.resolve());
    await expect(breakers.execute(key, fn)).rejects.toBeInstanceOf(CircuitOpenError);
    expect(fn).not.toHaveBeenCalled();
  });

  it('never opens on permanent errors, however many', async () => {
    const key = uniqueKey();
    const { fn, call } = failing(key, rejected);
    for (let i = 0; i < THRESHOLD * 4; i++) await expect(call()).rejects.toThrow('Invalid');
    expect(fn).toHaveBeenCalledTimes(THRESHOLD * 4);
    expect(breakers.state(key)).toBe('closed');
  });

  it('never opens on errors that are not platform errors', async () => {
    const key = uniqueKey();
    const { call } = failing(key, () => new TypeError('bug in the caller'));
    for (let i = 0; i < THRESHOLD * 2; i++) await expect(call()).rejects.toThrow(TypeError);
    expect(breakers.state(key)).toBe('closed');
  });

  it('reports the state in the hub_circuit_state gauge: 0 closed, 2 open', async () => {
    const key = uniqueKey();
    await breakers.execute(key, () => Promise.resolve());
    expect(await gaugeValue(moduleRef, key)).toBe(0);
    await openCircuit(key);
    expect(await gaugeValue(moduleRef, key)).toBe(2);
    await breakers.reset(key);
    expect(await gaugeValue(moduleRef, key)).toBe(0);
  });

  it('keeps a separate circuit per account', async () => {
    const broken = uniqueKey();
    const healthy = { ...broken, account: `${broken.account}-other` };
    await openCircuit(broken);
    await expect(breakers.execute(healthy, () => Promise.resolve('ok'))).resolves.toBe('ok');
    expect(breakers.state(healthy)).toBe('closed');
  });

  it('uses the hub settings from config, and the WhatsApp ones for unknown hubs', async () => {
    const calendar = uniqueKey('calendar', 'google');
    await expect(breakers.execute(calendar, () => Promise.reject(serverError()))).rejects.toThrow();
    expect(breakers.state(calendar)).toBe('open');

    const other = uniqueKey('telegram', 'bot-api');
    for (let i = 0; i < THRESHOLD - 1; i++) {
      await expect(breakers.execute(other, () => Promise.reject(serverError()))).rejects.toThrow();
    }
    expect(breakers.state(other)).toBe('closed');
    await expect(breakers.execute(other, () => Promise.reject(serverError()))).rejects.toThrow();
    expect(breakers.state(other)).toBe('open');
  });

  it('lists every known breaker with its state', async () => {
    const open = uniqueKey();
    const closed = uniqueKey();
    await openCircuit(open);
    await breakers.execute(closed, () => Promise.resolve());
    const listed = breakers.list();
    expect(listed).toContainEqual(
      expect.objectContaining({ ...open, state: 'open', retryAfterMs: expect.any(Number) }),
    );
    expect(listed.find((b) => b.account === open.account)!.retryAfterMs).toBeGreaterThan(0);
    expect(listed).toContainEqual({ ...closed, state: 'closed', retryAfterMs: 0 });
  });

  it('closes on a manual reset and counts failures from zero again', async () => {
    const key = uniqueKey();
    await openCircuit(key);
    await breakers.reset(key);
    expect(breakers.state(key)).toBe('closed');
    const { call } = failing(key, serverError);
    for (let i = 0; i < THRESHOLD - 1; i++) await expect(call()).rejects.toThrow('502');
    expect(breakers.state(key)).toBe('closed');
  });
});
