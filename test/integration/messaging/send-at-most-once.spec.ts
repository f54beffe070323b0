import type { RawCredentials } from '@core/channel/channel-credentials';
import { WHATSAPP_MESSAGING_RULES } from '@app/whatsapp/rules/whatsapp-messaging.rules';
import { Injectable, Module } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import type { ChannelAccountRef } from '@core/channel/channel-account';
import type { HubHealth } from '@core/channel/hub-health';
import type { MessageType, OutboundMessage, SendResult } from '@core/channel/outbound-message';
import { RegisterChannelProvider } from '@core/channel/register-channel-provider.decorator';
import { PlatformError } from '@core/errors/platform-error';
import { newId } from '@core/database/ids';
import { ChannelAccountsService } from '@app/messaging/channel-accounts/channel-accounts.service';
import { MessagesRepository } from '@app/messaging/messages/messages.repository';
import { OutboundSender } from '@app/messaging/outbound/outbound-sender';
import { SendClaimant } from '@app/messaging/outbound/send-claimant';
import type { SendAttempt } from '@app/messaging/outbound/send-decision';
import { OutboxSweeper } from '@app/messaging/outbound/outbox.sweeper';
import { adminHeaders, createTenant, createTestApp, TestTenant } from '@test/support/test-app';

type Step = (message: OutboundMessage) => Promise<SendResult>;

/** A platform double whose next calls do what the test scripts: answer, fail, or wait. */
@Injectable()
@RegisterChannelProvider()
class ScriptedProvider {
  readonly hub = 'whatsapp' as const;
  readonly provider = 'scripted';
  readonly capabilities = new Set<MessageType>(['text']);
  readonly credentials = { parse: (raw: RawCredentials) => raw };
  readonly rules = WHATSAPP_MESSAGING_RULES;
  readonly calls: OutboundMessage[] = [];
  readonly steps: Step[] = [];

  checkHealth(): Promise<HubHealth> {
    return Promise.resolve({ status: 'up', detail: 'scripted', checkedAt: new Date() });
  }

  send(_account: ChannelAccountRef, message: OutboundMessage): Promise<SendResult> {
    this.calls.push(message);
    const step = this.steps.shift();
    if (step) return step(message);
    return Promise.resolve({ providerMessageId: `sc.${message.id}`, acceptedAt: new Date() });
  }

  callsFor(id: string): number {
    return this.calls.filter((call) => call.id === id).length;
  }
}

@Module({ providers: [ScriptedProvider] })
class ScriptedChannelModule {}

const unknownOutcome = () =>
  new PlatformError(
    'whatsapp',
    'send_message',
    'outcome-unknown',
    'whatsapp send_message: no answer within 10000 ms after the request was sent; the platform may have acted on it',
  );

/** A run of the message's job, as the processor describes it to the sender (5 attempts). */
const attemptOf = (messageId: string, attemptsMade = 0): SendAttempt => ({
  messageId,
  attempt: attemptsMade + 1,
  isLastAttempt: attemptsMade + 1 >= 5,
});

/**
 * Every duplicate send is a bug: a message is claimed (with a lease) before the provider is
 * called, so two runs never both send it, and a run finding a live claim leaves it alone; a send that may have gone out is held as `unknown` and never sent
 * again by itself; recording a send's result never leads to sending it again. The API role
 * runs no workers here: each test drives the sender itself, as two workers (or a redelivered
 * job) would.
 */
describe('Sending a message at most once', () => {
  let app: NestFastifyApplication;
  let provider: ScriptedProvider;
  let sender: OutboundSender;
  let db: DataSource;
  let tenant: TestTenant;

  beforeAll(async () => {
    app = await createTestApp(
      { APP_ROLE: 'api', QUEUE_PREFIX: `${process.env.QUEUE_PREFIX}at-most-once-${newId()}` },
      [ScriptedChannelModule],
    );
    provider = app.get(ScriptedProvider);
    sender = app.get(OutboundSender);
    db = app.get(DataSource);
    tenant = await createTenant(app);
    await app.get(ChannelAccountsService).create(tenant.id, {
      hub: 'whatsapp',
      provider: 'scripted',
      name: 'line',
      externalId: `sc-${newId()}`,
      credentials: { token: 't' },
    });
  });

  afterAll(async () => {
    await app.close();
  });

  beforeEach(() => {
    provider.steps.length = 0;
  });

  const accept = async (text: string, as: TestTenant = tenant): Promise<string> => {
    const response = await app.inject({
      method: 'POST',
      url: '/api/v2/messages',
      headers: as.headers,
      payload: {
        channelAccountId: 'line',
        to: '+5511977770000',
        type: 'text',
        text: { body: text },
      },
    });
    expect(response.statusCode).toBe(202);
    return response.json<{ id: string }>().id;
  };

  const rowOf = async (id: string) =>
    (
      await db.query<
        { status: string; error_code: string | null; provider_message_id: string | null }[]
      >(`SELECT status, error_code, provider_message_id FROM messages WHERE id = $1`, [id])
    )[0];

  /** A provider call that waits for the test: `reached` once the call is made, `answer` ends it. */
  const heldCall = () => {
    let answer!: () => void;
    const reached = new Promise<void>((called) => {
      provider.steps.push((message) => {
        called();
        return new Promise((resolve) => {
          answer = () => resolve({ providerMessageId: `sc.${message.id}`, acceptedAt: new Date() });
        });
      });
    });
    return { reached, answer: () => answer() };
  };

  it("leaves a second worker's hands off a live claim: it comes back after the lease and finds the send done", async () => {
    const id = await accept('two workers');
    const call = heldCall();
    const first = sender.send(attemptOf(id));
    // The first worker holds the claim and is inside the provider call when the second runs.
    await call.reached;
    const second = await sender.send(attemptOf(id));
    expect(second).toMatchObject({ kind: 'delay', reason: 'claimed' });
    const lease = (
      await db.query<{ claimed_by: string; left_ms: number }[]>(
        `SELECT claimed_by, EXTRACT(EPOCH FROM claimed_until - now()) * 1000 AS left_ms
           FROM messages WHERE id = $1`,
        [id],
      )
    )[0];
    expect(lease.claimed_by).toBe(app.get(SendClaimant).id);
    // It comes back once the lease is over, not before.
    expect((second as { ms: number }).ms).toBeGreaterThanOrEqual(Number(lease.left_ms));
    expect((await rowOf(id)).status).toBe('sending');

    call.answer();
    await expect(first).resolves.toEqual({ kind: 'sent' });
    // The second worker's job, run again after its delay.
    await expect(sender.send(attemptOf(id))).resolves.toEqual({ kind: 'skipped' });
    expect(provider.callsFor(id)).toBe(1);
    expect(await rowOf(id)).toMatchObject({ status: 'sent', provider_message_id: `sc.${id}` });
  });

  it('reads and claims in one statement when the job names a known account, and still leaves a live claim alone', async () => {
    const warm = await accept('account seen by this worker');
    const [{ channel_account_id: accountId }] = await db.query<{ channel_account_id: string }[]>(
      `SELECT channel_account_id FROM messages WHERE id = $1`,
      [warm],
    );
    await expect(sender.send(attemptOf(warm))).resolves.toEqual({ kind: 'sent' });

    const id = await accept('claimed as read');
    const claimingReads = jest.spyOn(app.get(MessagesRepository), 'claimOutboundForSend');
    const call = heldCall();
    const first = sender.send({ ...attemptOf(id), channelAccountId: accountId });
    await call.reached;
    expect(await sender.send({ ...attemptOf(id), channelAccountId: accountId })).toMatchObject({
      kind: 'delay',
      reason: 'claimed',
    });
    call.answer();
    await expect(first).resolves.toEqual({ kind: 'sent' });
    expect(claimingReads).toHaveBeenCalledTimes(2);
    claimingReads.mockRestore();
    expect(provider.callsFor(id)).toBe(1);
    expect(await rowOf(id)).toMatchObject({ status: 'sent', provider_message_id: `sc.${id}` });
  });

  it('lets only one of two workers starting the same message together call the provider', async () => {
    const id = await accept('two workers at once');
    const call = heldCall();
    const both = [sender.send(attemptOf(id)), sender.send(attemptOf(id))];
    await call.reached;
    call.answer();
    const decisions = await Promise.all(both);
    // The other lost the claim (skipped) or found it live (delay): never unknown, never a call.
    expect(decisions.map((decision) => decision.kind)).toContain('sent');
    expect(decisions.map((decision) => decision.kind)).not.toContain('unknown');
    expect(provider.callsFor(id)).toBe(1);
    expect(await rowOf(id)).toMatchObject({ status: 'sent', provider_message_id: `sc.${id}` });
  });

  it('holds a send answered after the timeout as unknown and never sends it again', async () => {
    const id = await accept('slow platform');
    provider.steps.push(() => Promise.reject(unknownOutcome()));
    await expect(sender.send(attemptOf(id))).resolves.toEqual({ kind: 'unknown' });
    expect(await rowOf(id)).toMatchObject({
      status: 'unknown',
      error_code: 'PLATFORM.OUTCOME_UNKNOWN',
    });
    // The job redelivered, or run again by a sweeper: nothing is sent.
    await expect(sender.send(attemptOf(id, 1))).resolves.toEqual({ kind: 'skipped' });
    expect(provider.callsFor(id)).toBe(1);
  });

  it('leaves the live claim of a worker that was killed mid-send alone until its lease lapses, then holds it as unknown', async () => {
    const id = await accept('worker killed mid-send');
    // The state a SIGKILLed worker leaves: claimed, the platform called, no result recorded.
    await db.query(
      `UPDATE messages SET status = 'sending', claimed_by = 'killed-worker',
              claimed_until = now() + interval '1 minute' WHERE id = $1`,
      [id],
    );
    await expect(sender.send(attemptOf(id, 1))).resolves.toMatchObject({
      kind: 'delay',
      reason: 'claimed',
    });
    expect((await rowOf(id)).status).toBe('sending');

    await db.query(
      `UPDATE messages SET claimed_until = now() - interval '1 second' WHERE id = $1`,
      [id],
    );
    await expect(sender.send(attemptOf(id, 1))).resolves.toEqual({ kind: 'unknown' });
    expect(provider.callsFor(id)).toBe(0);
    expect(await rowOf(id)).toMatchObject({
      status: 'unknown',
      error_code: 'MESSAGE.SEND_INTERRUPTED',
    });
    // Unknown is never sent again by itself.
    await expect(sender.send(attemptOf(id, 2))).resolves.toEqual({ kind: 'skipped' });
    expect(provider.callsFor(id)).toBe(0);
  });

  it('holds as unknown a claim made before claims had leases', async () => {
    const id = await accept('claimed before leases');
    await db.query(`UPDATE messages SET status = 'sending' WHERE id = $1`, [id]);
    await expect(sender.send(attemptOf(id, 1))).resolves.toEqual({ kind: 'unknown' });
    expect(provider.callsFor(id)).toBe(0);
  });

  it('gives a send the platform refused back to the queue, to be sent by the next attempt', async () => {
    const id = await accept('refused once');
    provider.steps.push(() =>
      Promise.reject(
        new PlatformError('whatsapp', 'send_message', 'server', 'HTTP 500', { status: 500 }),
      ),
    );
    await expect(sender.send(attemptOf(id))).resolves.toMatchObject({
      kind: 'retry',
      cause: { failure: 'server' },
    });
    expect((await rowOf(id)).status).toBe('queued');
    await expect(sender.send(attemptOf(id, 1))).resolves.toEqual({ kind: 'sent' });
    expect(provider.callsFor(id)).toBe(2);
  });

  it("folds the platform's echo stored first into the send instead of failing and sending again", async () => {
    const id = await accept('echo first');
    const [{ conversation_id: conversationId, channel_account_id: accountId }] = await db.query<
      { conversation_id: string; channel_account_id: string }[]
    >(`SELECT conversation_id, channel_account_id FROM messages WHERE id = $1`, [id]);
    // The echo of this very send, stored as a message of its own (its text did not match).
    await app.get(MessagesRepository).insertInbound({
      id: newId(),
      tenantId: tenant.id,
      conversationId,
      channelAccountId: accountId,
      provider: 'scripted',
      providerMessageId: `sc.${id}`,
      type: 'text',
      content: { text: 'echo first (as the platform renders it)' },
      platformTimestamp: new Date(),
      fromMe: true,
    });
    await expect(sender.send(attemptOf(id))).resolves.toEqual({ kind: 'sent' });
    await expect(sender.send(attemptOf(id, 1))).resolves.toEqual({ kind: 'skipped' });
    expect(provider.callsFor(id)).toBe(1);
    const holders = await db.query<{ id: string; status: string }[]>(
      `SELECT id, status FROM messages WHERE channel_account_id = $1 AND provider_message_id = $2`,
      [accountId, `sc.${id}`],
    );
    expect(holders).toEqual([{ id, status: 'sent' }]);
  });

  it("fails a suspended tenant's queued send with TENANT.SUSPENDED, never calling the provider", async () => {
    const suspended = await createTenant(app);
    await app.get(ChannelAccountsService).create(suspended.id, {
      hub: 'whatsapp',
      provider: 'scripted',
      name: 'line',
      externalId: `sc-${newId()}`,
      credentials: { token: 't' },
    });
    const id = await accept('after suspension', suspended);
    const patched = await app.inject({
      method: 'PATCH',
      url: `/api/v2/tenants/${suspended.id}`,
      headers: adminHeaders,
      payload: { status: 'suspended' },
    });
    expect(patched.statusCode).toBe(200);
    await expect(sender.send(attemptOf(id))).resolves.toEqual({ kind: 'failed' });
    expect(provider.callsFor(id)).toBe(0);
    expect(await rowOf(id)).toMatchObject({ status: 'failed', error_code: 'TENANT.SUSPENDED' });
  });

  it('marks a claim whose worker and job were both lost unknown on the next sweep, once its lease lapsed', async () => {
    const id = await accept('claim lost with Redis');
    const live = await accept('claimed long ago, lease still live');
    await db.query(
      `UPDATE messages SET status = 'sending', updated_at = now() - interval '1 hour',
              claimed_by = 'lost-worker', claimed_until = now() - interval '1 minute' WHERE id = $1`,
      [id],
    );
    await db.query(
      `UPDATE messages SET status = 'sending', updated_at = now() - interval '1 hour',
              claimed_by = 'slow-worker', claimed_until = now() + interval '1 minute' WHERE id = $1`,
      [live],
    );
    await app.get(OutboxSweeper).run();
    expect((await rowOf(live)).status).toBe('sending');
    expect(await rowOf(id)).toMatchObject({
      status: 'unknown',
      error_code: 'MESSAGE.SEND_INTERRUPTED',
    });
    expect(provider.callsFor(id)).toBe(0);
  });
});
