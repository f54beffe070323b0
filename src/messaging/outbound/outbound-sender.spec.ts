import { Logger } from '@nestjs/common';
import type { Counter } from 'prom-client';
import type { AppConfig } from '@config/app-config';
import type { ChannelAccountRef } from '@core/channel/channel-account';
import type { ChannelRegistry } from '@core/channel/channel.registry';
import type { OutboundMessage, SendResult } from '@core/channel/outbound-message';
import { PlatformError } from '@core/errors/platform-error';
import type { BreakerKey } from '@core/resilience/breaker-key';
import type { CircuitBreakerRegistry } from '@core/resilience/circuit-breaker.registry';
import { CircuitOpenError } from '@core/resilience/circuit-open.error';
import type { TokenBucket } from '@core/resilience/token-bucket';
import type { ChannelAccountsService } from '../channel-accounts/channel-accounts.service';
import type { MessageEntity } from '../entities/message.entity';
import type { MessagesRepository } from '../messages/messages.repository';
import type { SendOutcomesRepository } from '../messages/send-outcomes.repository';
import { FallbackPolicy } from './fallback-policy';
import type { SendRecheck } from './send-recheck';
import { OutboundSender } from './outbound-sender';
import { SendPacing } from './send-pacing';
import type { SendAttempt } from './send-decision';

type Step = () => Promise<SendResult>;

/** A platform double: each call runs the next scripted step, or is accepted. */
class ScriptedProvider {
  readonly hub = 'whatsapp' as const;
  readonly capabilities = new Set(['text', 'template']);
  /** Only the fallback class is asked of the rules here (FallbackPolicy). */
  readonly rules = {
    fallbackClassOf: (type: string) => (type === 'template' ? 'template' : 'service'),
  };
  readonly calls: OutboundMessage[] = [];
  readonly steps: Step[] = [];
  pacing?: { ratePerSecond: number; burst: number };

  constructor(readonly provider: string) {}

  send(_account: ChannelAccountRef, message: OutboundMessage): Promise<SendResult> {
    this.calls.push(message);
    const step = this.steps.shift();
    return step
      ? step()
      : Promise.resolve({ providerMessageId: `${this.provider}.${message.id}`, acceptedAt: NOW });
  }
}

const NOW = new Date('2026-11-22T10:00:00Z');
const TENANT = 'tenant-1';

const account = (id: string, provider: string): ChannelAccountRef & { status: string } => ({
  id,
  tenantId: TENANT,
  hub: 'whatsapp',
  provider,
  externalId: `ext-${id}`,
  credentials: {},
  status: 'active',
});

const serverError = (retryAfterMs?: number) =>
  new PlatformError('whatsapp', 'send_message', 'server', 'HTTP 503', {
    status: 503,
    retryAfterMs,
  });

/**
 * The sender with every collaborator in memory: the message rows it reads and writes, the
 * platform, the circuit and the token bucket. No queue, no job: a run is plain data, and what
 * the queue should do next is the decision it returns.
 */
function harness() {
  const primary = new ScriptedProvider('official');
  const secondary = new ScriptedProvider('unofficial');
  const providers = new Map([primary, secondary].map((p) => [p.provider, p]));
  const rows = new Map<string, MessageEntity>();
  const accounts = new Map([
    ['acc-primary', account('acc-primary', 'official')],
    ['acc-backup', account('acc-backup', 'unofficial')],
  ]);
  const state = {
    tenantActive: true,
    fallbackOf: null as string | null,
    openCircuits: new Map<string, number>(),
    tokenWaitMs: 0,
    accountStatuses: new Map<string, string>(),
    fallbackMoves: 0,
    databaseDown: false,
    /** What is left of a claim's lease, per message (lapsed when absent). */
    claimLeftMs: new Map<string, number>(),
    /** Reads that claimed as they read (the job named an account whose token was taken). */
    claimReads: 0,
  };

  const messages: MessagesRepository = {
    findOutboundForSend: (id: string) => {
      const message = rows.get(id);
      return Promise.resolve(
        message
          ? {
              message,
              tenantActive: state.tenantActive,
              contactId: null,
              lastInboundAt: null,
              account: accounts.get(message.channelAccountId) ?? null,
              claimLeftMs: state.claimLeftMs.get(id) ?? 0,
            }
          : null,
      );
    },
    claimOutboundForSend: async (id: string) => {
      state.claimReads += 1;
      const found = await messages.findOutboundForSend(id);
      if (found?.message.status !== 'queued') return found;
      found.message.status = 'sending';
      return { ...found, claimedNow: true };
    },
    markFailed: (id: string, code: string, title: string) => {
      Object.assign(rows.get(id)!, { status: 'failed', errorCode: code, errorTitle: title });
      return Promise.resolve();
    },
    moveToAccount: (id: string, accountId: string, provider: string, reason: string) => {
      Object.assign(rows.get(id)!, {
        channelAccountId: accountId,
        provider,
        fallbackReason: reason,
      });
      return Promise.resolve();
    },
  } as unknown as MessagesRepository;

  const outcomes = {
    claim: (id: string) => {
      if (state.databaseDown) return Promise.reject(new Error('Connection terminated'));
      const row = rows.get(id)!;
      if (row.status !== 'queued') return Promise.resolve(false);
      row.status = 'sending';
      return Promise.resolve(true);
    },
    release: (id: string) => {
      rows.get(id)!.status = 'queued';
      return Promise.resolve();
    },
    markUnknown: (id: string, code: string) => {
      Object.assign(rows.get(id)!, { status: 'unknown', errorCode: code });
      return Promise.resolve();
    },
    abandonLapsedClaim: (id: string, code: string) => {
      const row = rows.get(id)!;
      if (row.status !== 'sending' || (state.claimLeftMs.get(id) ?? 0) > 0) {
        return Promise.resolve(false);
      }
      Object.assign(row, { status: 'unknown', errorCode: code });
      return Promise.resolve(true);
    },
    recordSent: (id: string, providerMessageId: string) => {
      Object.assign(rows.get(id)!, { status: 'sent', providerMessageId });
      return Promise.resolve();
    },
  } as unknown as SendOutcomesRepository;

  const registry = {
    messaging: (_hub: string, name: string) => providers.get(name)!,
  } as unknown as ChannelRegistry;

  const sender = new OutboundSender(
    messages,
    outcomes,
    {
      openIfLive: (_tenantId: string, id: string) => Promise.resolve(accounts.get(id) ?? null),
      refOf: (row: ChannelAccountRef) => row,
      fallbackOf: () => Promise.resolve(state.fallbackOf ? accounts.get(state.fallbackOf)! : null),
      setStatus: (id: string, status: string) => {
        state.accountStatuses.set(id, status);
        return Promise.resolve();
      },
    } as unknown as ChannelAccountsService,
    registry,
    {
      execute: <T>(key: BreakerKey, fn: () => Promise<T>): Promise<T> => {
        const retryAfterMs = state.openCircuits.get(key.account);
        return retryAfterMs === undefined
          ? fn()
          : Promise.reject(new CircuitOpenError(key, retryAfterMs));
      },
    } as unknown as CircuitBreakerRegistry,
    new SendPacing(registry, {
      take: () =>
        Promise.resolve({ allowed: state.tokenWaitMs === 0, retryAfterMs: state.tokenWaitMs }),
    } as unknown as TokenBucket),
    new FallbackPolicy(
      { fallbackMessageClasses: new Set(['service']) } as unknown as AppConfig,
      registry,
    ),
    { refusal: () => Promise.resolve(undefined) } as unknown as SendRecheck,
    { id: 'worker-1', leaseMs: 60_000 },
    {
      inc: () => {
        state.fallbackMoves += 1;
      },
    } as unknown as Counter<string>,
    { inc: () => undefined } as unknown as Counter<string>,
  );

  const queued = (id: string, type = 'text'): string => {
    rows.set(id, {
      id,
      tenantId: TENANT,
      channelAccountId: 'acc-primary',
      provider: 'official',
      direction: 'outbound',
      type,
      status: 'queued',
      content: type === 'text' ? { text: 'hello', to: '+5511999990000' } : { to: '+5511999990000' },
      fallbackReason: null,
      replyToProviderMessageId: null,
    } as unknown as MessageEntity);
    return id;
  };

  return { sender, primary, secondary, rows, state, queued, accounts };
}

const first = (messageId: string): SendAttempt => ({ messageId, attempt: 1, isLastAttempt: false });
const last = (messageId: string): SendAttempt => ({ messageId, attempt: 5, isLastAttempt: true });

describe('OutboundSender decisions', () => {
  beforeAll(() => Logger.overrideLogger(false));

  it('sends a queued message and records the platform id', async () => {
    const { sender, primary, rows, queued } = harness();
    const id = queued('m1');

    await expect(sender.send(first(id))).resolves.toEqual({ kind: 'sent' });
    expect(primary.calls).toHaveLength(1);
    expect(primary.calls[0]).toMatchObject({ id, to: '+5511999990000', type: 'text' });
    expect(rows.get(id)).toMatchObject({ status: 'sent', providerMessageId: `official.${id}` });
  });

  it('waits for a token of a paced account, without claiming the message or calling the platform', async () => {
    const { sender, primary, rows, state, queued } = harness();
    primary.pacing = { ratePerSecond: 20, burst: 20 };
    state.tokenWaitMs = 400;
    const id = queued('m2');

    const decision = await sender.send(first(id));

    expect(decision).toMatchObject({ kind: 'delay', reason: 'paced' });
    const { ms } = decision as { ms: number };
    // The bucket's wait plus up to 20 % jitter, so throttled sends do not wake together.
    expect(ms).toBeGreaterThanOrEqual(400);
    expect(ms).toBeLessThanOrEqual(480);
    expect(primary.calls).toHaveLength(0);
    expect(rows.get(id)!.status).toBe('queued');
  });

  it('takes the token of an account it sent through before reading, then reads and claims in one go', async () => {
    const { sender, primary, rows, state, queued } = harness();
    primary.pacing = { ratePerSecond: 20, burst: 20 };
    const warm = queued('m2-warm');
    await expect(sender.send(first(warm))).resolves.toEqual({ kind: 'sent' });
    expect(state.claimReads).toBe(0);

    const id = queued('m2-next');
    await expect(sender.send({ ...first(id), channelAccountId: 'acc-primary' })).resolves.toEqual({
      kind: 'sent',
    });
    expect(state.claimReads).toBe(1);
    expect(rows.get(id)!.status).toBe('sent');

    // No token: the job waits before anything is read or claimed.
    state.tokenWaitMs = 300;
    const waiting = queued('m2-waiting');
    await expect(
      sender.send({ ...first(waiting), channelAccountId: 'acc-primary' }),
    ).resolves.toMatchObject({ kind: 'delay', reason: 'paced' });
    expect(state.claimReads).toBe(1);
    expect(rows.get(waiting)!.status).toBe('queued');
    expect(primary.calls).toHaveLength(2);
  });

  it('gives back the claim taken with the read when the send stops before the platform is called', async () => {
    const { sender, primary, rows, state, queued } = harness();
    await sender.send(first(queued('m2b-warm')));
    state.openCircuits.set('acc-primary', 200);
    const id = queued('m2b');

    await expect(sender.send({ ...first(id), channelAccountId: 'acc-primary' })).resolves.toEqual({
      kind: 'delay',
      ms: 1_000,
      reason: 'circuit-open',
    });
    expect(state.claimReads).toBe(1);
    expect(rows.get(id)!.status).toBe('queued');
    expect(primary.calls).toHaveLength(1);
  });

  it('waits out an open circuit (at least 1 s) instead of spending an attempt', async () => {
    const { sender, primary, rows, state, queued } = harness();
    state.openCircuits.set('acc-primary', 200);
    const id = queued('m3');

    await expect(sender.send(last(id))).resolves.toEqual({
      kind: 'delay',
      ms: 1_000,
      reason: 'circuit-open',
    });
    state.openCircuits.set('acc-primary', 7_500);
    await expect(sender.send(first(id))).resolves.toMatchObject({ kind: 'delay', ms: 7_500 });
    expect(primary.calls).toHaveLength(0);
    expect(rows.get(id)!.status).toBe('queued');
  });

  it('asks for a retry, with the wait the platform asked for, while attempts are left', async () => {
    const { sender, primary, rows, queued } = harness();
    primary.steps.push(() => Promise.reject(serverError(30_000)));
    const id = queued('m4');

    const decision = await sender.send(first(id));

    expect(decision).toMatchObject({ kind: 'retry', cause: { failure: 'server' } });
    expect((decision as { cause: PlatformError }).cause.retryAfterMs).toBe(30_000);
    // Released: the next attempt may claim it again.
    expect(rows.get(id)!.status).toBe('queued');
    await expect(sender.send({ ...first(id), attempt: 2 })).resolves.toEqual({ kind: 'sent' });
    expect(primary.calls).toHaveLength(2);
  });

  it('fails the message with the platform code on the last attempt', async () => {
    const { sender, rows, primary, queued } = harness();
    primary.steps.push(() => Promise.reject(serverError()));
    const id = queued('m5');

    await expect(sender.send(last(id))).resolves.toEqual({ kind: 'failed' });
    expect(rows.get(id)).toMatchObject({ status: 'failed', errorCode: 'PLATFORM.SERVER' });
  });

  it('fails a permanent refusal at once, and marks the account for re-authentication on an auth error', async () => {
    const { sender, rows, primary, state, queued } = harness();
    primary.steps.push(() =>
      Promise.reject(
        new PlatformError('whatsapp', 'send_message', 'auth', 'token expired', {
          status: 401,
          platformCode: '190',
        }),
      ),
    );
    const id = queued('m6');

    await expect(sender.send(first(id))).resolves.toEqual({ kind: 'failed' });
    expect(rows.get(id)).toMatchObject({ status: 'failed', errorCode: '190' });
    expect(state.accountStatuses.get('acc-primary')).toBe('needs_reauth');
  });

  it('holds a send that may have gone out as unknown, and never sends it again', async () => {
    const { sender, primary, rows, queued } = harness();
    primary.steps.push(() =>
      Promise.reject(
        new PlatformError('whatsapp', 'send_message', 'outcome-unknown', 'no answer in time'),
      ),
    );
    const id = queued('m7');

    await expect(sender.send(first(id))).resolves.toEqual({ kind: 'unknown' });
    expect(rows.get(id)).toMatchObject({
      status: 'unknown',
      errorCode: 'PLATFORM.OUTCOME_UNKNOWN',
    });
    await expect(sender.send({ ...first(id), attempt: 2 })).resolves.toEqual({ kind: 'skipped' });
    expect(primary.calls).toHaveLength(1);
  });

  it('holds as unknown a send whose provider call broke unexpectedly', async () => {
    const { sender, rows, primary, queued } = harness();
    primary.steps.push(() => Promise.reject(new TypeError('socket hang up')));
    const id = queued('m8');

    await expect(sender.send(first(id))).resolves.toEqual({ kind: 'unknown' });
    expect(rows.get(id)).toMatchObject({
      status: 'unknown',
      errorCode: 'MESSAGE.SEND_INTERRUPTED',
    });
  });

  it('leaves a live claim of another run alone and comes back after its lease', async () => {
    const { sender, primary, rows, state, queued } = harness();
    const id = queued('m9-live');
    rows.get(id)!.status = 'sending';
    state.claimLeftMs.set(id, 4_000);

    await expect(sender.send(first(id))).resolves.toEqual({
      kind: 'delay',
      ms: 4_250,
      reason: 'claimed',
    });
    expect(rows.get(id)!.status).toBe('sending');
    expect(primary.calls).toHaveLength(0);
  });

  it('holds as unknown, without calling the platform, a message whose claim lapsed before its send ended', async () => {
    const { sender, primary, rows, queued } = harness();
    const id = queued('m9');
    rows.get(id)!.status = 'sending';

    await expect(sender.send({ ...first(id), attempt: 2 })).resolves.toEqual({ kind: 'unknown' });
    expect(rows.get(id)).toMatchObject({
      status: 'unknown',
      errorCode: 'MESSAGE.SEND_INTERRUPTED',
    });
    expect(primary.calls).toHaveLength(0);
  });

  it('skips a message that is no longer queued, or gone', async () => {
    const { sender, primary, rows, queued } = harness();
    const id = queued('m10');
    rows.get(id)!.status = 'sent';

    await expect(sender.send(first(id))).resolves.toEqual({ kind: 'skipped' });
    await expect(sender.send(first('missing'))).resolves.toEqual({ kind: 'skipped' });
    expect(primary.calls).toHaveLength(0);
  });

  it("fails a suspended tenant's send with TENANT.SUSPENDED, never calling the platform", async () => {
    const { sender, primary, rows, state, queued } = harness();
    state.tenantActive = false;
    const id = queued('m11');

    await expect(sender.send(first(id))).resolves.toEqual({ kind: 'failed' });
    expect(rows.get(id)).toMatchObject({ status: 'failed', errorCode: 'TENANT.SUSPENDED' });
    expect(primary.calls).toHaveLength(0);
  });

  it('fails a send whose account was switched off with CHANNEL_ACCOUNT.DISABLED, never calling the platform', async () => {
    const { sender, primary, rows, accounts, queued } = harness();
    accounts.get('acc-primary')!.status = 'disabled';
    const id = queued('m11b');

    await expect(sender.send(first(id))).resolves.toEqual({ kind: 'failed' });
    expect(rows.get(id)).toMatchObject({ status: 'failed', errorCode: 'CHANNEL_ACCOUNT.DISABLED' });
    expect(primary.calls).toHaveLength(0);
  });

  it('fails a send whose account was deleted with CHANNEL_ACCOUNT.DELETED instead of failing the job', async () => {
    const { sender, primary, rows, accounts, queued } = harness();
    accounts.delete('acc-primary');
    const id = queued('m11c');

    await expect(sender.send(first(id))).resolves.toEqual({ kind: 'failed' });
    expect(rows.get(id)).toMatchObject({ status: 'failed', errorCode: 'CHANNEL_ACCOUNT.DELETED' });
    expect(primary.calls).toHaveLength(0);
  });

  it('moves a service message to the fallback account when the circuit is open, and sends it there', async () => {
    const { sender, primary, secondary, rows, state, queued } = harness();
    state.openCircuits.set('acc-primary', 5_000);
    state.fallbackOf = 'acc-backup';
    const id = queued('m12');

    await expect(sender.send(first(id))).resolves.toEqual({ kind: 'sent' });
    expect(primary.calls).toHaveLength(0);
    expect(secondary.calls).toHaveLength(1);
    expect(rows.get(id)).toMatchObject({
      status: 'sent',
      channelAccountId: 'acc-backup',
      fallbackReason: 'circuit_open',
      providerMessageId: `unofficial.${id}`,
    });
    expect(state.fallbackMoves).toBe(1);
  });

  it('keeps a template on its account when the circuit is open: it waits instead of moving', async () => {
    const { sender, secondary, rows, state, queued } = harness();
    state.openCircuits.set('acc-primary', 5_000);
    state.fallbackOf = 'acc-backup';
    const id = queued('m13', 'template');

    await expect(sender.send(first(id))).resolves.toMatchObject({ kind: 'delay', ms: 5_000 });
    expect(secondary.calls).toHaveLength(0);
    expect(rows.get(id)).toMatchObject({ status: 'queued', channelAccountId: 'acc-primary' });
  });

  it('moves to the fallback only after the last retryable attempt failed', async () => {
    const { sender, primary, secondary, rows, state, queued } = harness();
    state.fallbackOf = 'acc-backup';
    primary.steps.push(
      () => Promise.reject(serverError()),
      () => Promise.reject(serverError()),
    );
    const id = queued('m14');

    await expect(sender.send(first(id))).resolves.toMatchObject({ kind: 'retry' });
    expect(secondary.calls).toHaveLength(0);
    await expect(sender.send(last(id))).resolves.toEqual({ kind: 'sent' });
    expect(secondary.calls).toHaveLength(1);
    expect(rows.get(id)).toMatchObject({ fallbackReason: 'retries_exhausted' });
  });

  it('throws a failure of its own machinery (PostgreSQL) for the processor to handle', async () => {
    const { sender, primary, state, queued } = harness();
    state.databaseDown = true;
    const id = queued('m15');

    await expect(sender.send(first(id))).rejects.toThrow('Connection terminated');
    expect(primary.calls).toHaveLength(0);
  });
});
