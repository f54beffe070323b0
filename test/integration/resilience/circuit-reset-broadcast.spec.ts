import { TestingModule } from '@nestjs/testing';
import { BreakerKey } from '@core/resilience/breaker-key';
import { CircuitBreakerRegistry } from '@core/resilience/circuit-breaker.registry';
import { CircuitOpenError } from '@core/resilience/circuit-open.error';
import { resilienceContext, serverError, uniqueKey, waitFor } from './resilience-context';

const settings = {
  CIRCUIT_WHATSAPP_FAILURE_THRESHOLD: '2',
  // Long enough that neither instance half-opens on its own during the test.
  CIRCUIT_WHATSAPP_HALF_OPEN_AFTER_MS: '60000',
};

describe('Circuit reset across instances', () => {
  let podA: TestingModule;
  let podB: TestingModule;
  let breakersA: CircuitBreakerRegistry;
  let breakersB: CircuitBreakerRegistry;

  beforeAll(async () => {
    // Two app contexts, each with its own Redis connections, on the same key prefix.
    podA = await resilienceContext(settings);
    podB = await resilienceContext(settings);
    breakersA = podA.get(CircuitBreakerRegistry);
    breakersB = podB.get(CircuitBreakerRegistry);
  });

  afterAll(async () => {
    await podA.close();
    await podB.close();
  });

  async function open(breakers: CircuitBreakerRegistry, key: BreakerKey): Promise<void> {
    for (let i = 0; i < 2; i++) {
      await expect(breakers.execute(key, () => Promise.reject(serverError()))).rejects.toThrow();
    }
    expect(breakers.state(key)).toBe('open');
  }

  it('closes the circuit on every instance when one instance resets it', async () => {
    const key = uniqueKey();
    await open(breakersA, key);
    await open(breakersB, key);

    await breakersA.reset(key);

    expect(breakersA.state(key)).toBe('closed');
    await waitFor('pod B to see the reset', () => breakersB.state(key) === 'closed');
    await expect(breakersB.execute(key, () => Promise.resolve('sent'))).resolves.toBe('sent');
  });

  it('leaves other circuits on the other instance alone', async () => {
    const reset = uniqueKey();
    const untouched = uniqueKey();
    await open(breakersA, reset);
    await open(breakersB, reset);
    await open(breakersB, untouched);

    await breakersA.reset(reset);

    await waitFor('pod B to see the reset', () => breakersB.state(reset) === 'closed');
    expect(breakersB.state(untouched)).toBe('open');
    await expect(breakersB.execute(untouched, () => Promise.resolve())).rejects.toBeInstanceOf(
      CircuitOpenError,
    );
  });
});
