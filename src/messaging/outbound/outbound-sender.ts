import { Injectable, Logger } from '@nestjs/common';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import { Counter } from 'prom-client';
import type { ChannelAccountRef } from '@core/channel/channel-account';
import { ChannelRegistry } from '@core/channel/channel.registry';
import type { OutboundContent, OutboundMessage, SendResult } from '@core/channel/outbound-message';
import { PlatformError } from '@core/errors/platform-error';
import { CircuitBreakerRegistry } from '@core/resilience/circuit-breaker.registry';
import { CircuitOpenError } from '@core/resilience/circuit-open.error';
import { CHANNEL_ACCOUNT_DELETED } from '../channel-accounts/channel-account-lifecycle';
import { ChannelAccountsService } from '../channel-accounts/channel-accounts.service';
import type { MessageEntity } from '../entities/message.entity';
import { MessagesRepository, type OutboundForSend } from '../messages/messages.repository';
import { SendOutcomesRepository } from '../messages/send-outcomes.repository';
import { FallbackPolicy } from './fallback-policy';
import { ACCOUNT_REAUTH_REQUIRED_TOTAL, MESSAGE_FALLBACKS_TOTAL } from './outbound.metrics';
import { SendAttempt, SendDecision } from './send-decision';
import { SendClaimant } from './send-claimant';
import { SendPacing } from './send-pacing';
import { SendRecheck } from './send-recheck';

/** An open circuit is waited out at least this long (its probe may be due any moment). */
const MIN_CIRCUIT_WAIT_MS = 1_000;

/**
 * A run that finds another's live claim comes back this long after the lease ends: by then
 * the send has ended (the run skips it) or its worker stopped (the claim has lapsed). It also
 * bounds the wait when a claim it took for lapsed turned out to be settled meanwhile.
 */
const CLAIM_RECHECK_MARGIN_MS = 250;

/** Why a send's outcome is unknown when the platform did not say. */
export const SEND_INTERRUPTED = 'MESSAGE.SEND_INTERRUPTED';

/** A suspended tenant's queued sends fail with this code (an operator may re-drive them). */
export const TENANT_SUSPENDED = 'TENANT.SUSPENDED';

/** Queued sends of an account the tenant switched off fail with this code. */
export const CHANNEL_ACCOUNT_DISABLED = 'CHANNEL_ACCOUNT.DISABLED';

/** The account a checked send goes through. */
type SendingAccount = ChannelAccountRef & { status: string };

/** One run of a send as it goes along. */
interface SendRun {
  isLastAttempt: boolean;
  /** The message was claimed by this run when it was read. */
  claimed: boolean;
  /** The account's token is taken already. */
  paced: boolean;
  /** The platform was called (a claim is never given back after that, but by the platform's refusal). */
  providerCalled: boolean;
}

/**
 * Sends one queued message and decides what its queue job does next (SendDecision): pacing
 * per account (no token yet: delay, not fail), the provider+account circuit breaker (open:
 * delay until its probe), then the provider. A retryable failure with attempts left is a
 * retry; a permanent one fails the message at once with the platform's code, and so does
 * the last allowed attempt (an operator may re-drive it). When the provider is down and
 * policy allows, the send moves to the account's fallback account (FallbackPolicy). It takes
 * plain data and knows no queue: the outbound processor applies its decisions.
 *
 * At most once: the message is claimed (`queued → sending`, atomically, with a lease naming
 * this worker: SendClaimant) right before the provider is called, so two workers never both
 * send it. A run that finds a live claim leaves it alone and comes back after the lease: the
 * send is in flight elsewhere. A send that may have gone out (no answer after the request was
 * written, an unexpected error mid-call, or a claim whose lease lapsed before its send ended)
 * becomes `unknown` and is never sent again by itself: the platform's echo, a status webhook
 * or an operator settles it. A message that is neither queued nor claimed is skipped.
 */
@Injectable()
export class OutboundSender {
  private readonly logger = new Logger(OutboundSender.name);

  constructor(
    private readonly messages: MessagesRepository,
    private readonly outcomes: SendOutcomesRepository,
    private readonly accounts: ChannelAccountsService,
    private readonly registry: ChannelRegistry,
    private readonly breakers: CircuitBreakerRegistry,
    private readonly pacing: SendPacing,
    private readonly fallback: FallbackPolicy,
    private readonly recheck: SendRecheck,
    private readonly claimant: SendClaimant,
    @InjectMetric(MESSAGE_FALLBACKS_TOTAL) private readonly fallbacks: Counter<string>,
    @InjectMetric(ACCOUNT_REAUTH_REQUIRED_TOTAL) private readonly reauthRequired: Counter<string>,
  ) {}

  async send({ messageId, channelAccountId, isLastAttempt }: SendAttempt): Promise<SendDecision> {
    // The account's token first when the job names an account this process knows: then the
    // message is read and claimed in one statement (one commit less per send).
    const waitMs = channelAccountId ? await this.pacing.waitMsById(channelAccountId) : undefined;
    if (waitMs) return SendDecision.delay(waitMs, 'paced');
    const paced = waitMs === 0 ? channelAccountId : undefined;
    // The message, its tenant's state, its recipient's window and the re-checked rules' facts
    // about them, and its account, in one read.
    const found = paced
      ? await this.messages.claimOutboundForSend(messageId, this.claimant, this.recheck.factsSql)
      : await this.messages.findOutboundForSend(messageId, this.recheck.factsSql);
    const claimed = found?.claimedNow === true;
    if (!claimed && found?.message.status === 'sending') {
      return this.onClaimed(messageId, found.claimLeftMs);
    }
    if (!claimed && found?.message.status !== 'queued') return SendDecision.outcome('skipped');
    const run: SendRun = { isLastAttempt, claimed, paced: false, providerCalled: false };
    try {
      const checked = await this.checked(found);
      if (checked.kind === 'decided') return checked.decision;
      run.paced = paced === checked.account.id;
      return await this.sendChecked(found.message, checked.account, run);
    } catch (error) {
      // Our own failure before the platform was called: the claim taken with the read is
      // given back, so the job's next run can send. Once called, the claim is never given
      // back here: a send recorded nowhere lapses into unknown rather than going out twice.
      if (claimed && !run.providerCalled) await this.outcomes.release(messageId, this.claimant.id);
      throw error;
    }
  }

  /**
   * What stops a queued send before the platform is called: its tenant suspended, its
   * account switched off or deleted, a rule re-checked (consent) refusing it. Each fails the
   * message (claimed or not); otherwise the account to send through.
   */
  private async checked(
    found: OutboundForSend,
  ): Promise<
    { kind: 'decided'; decision: SendDecision } | { kind: 'send'; account: SendingAccount }
  > {
    const { message } = found;
    const failed = async (code: string, title: string, log: string) => {
      await this.messages.markFailed(message.id, code, title);
      this.logger.warn({ messageId: message.id, code }, log);
      return { kind: 'decided' as const, decision: SendDecision.outcome('failed') };
    };
    // Suspension stops sending at once, also what was accepted before: failed rather than
    // held, so nothing stale goes out on reactivation unless an operator re-drives it.
    if (!found.tenantActive) {
      return failed(
        TENANT_SUSPENDED,
        'The tenant is suspended; its queued sends were not sent',
        'Send of a suspended tenant failed',
      );
    }
    const account = found.account && this.accounts.refOf(found.account);
    // Switched off or deleted since the send was accepted: failed, like a suspension, so
    // nothing stale goes out when it is switched on again (an operator may re-drive it).
    if (!account || account.status === 'disabled') {
      return failed(
        account ? CHANNEL_ACCOUNT_DISABLED : CHANNEL_ACCOUNT_DELETED,
        account
          ? 'The channel account was switched off before this message was sent'
          : 'The channel account was deleted before this message was sent',
        'Send of a switched-off or deleted account failed',
      );
    }
    const refusal = await this.recheck.refusal(message, account, found);
    if (refusal) return failed(refusal.code, refusal.message, 'Queued send refused');
    return { kind: 'send', account };
  }

  /** Sends a checked message, through its fallback account when policy allows. */
  private async sendChecked(
    message: MessageEntity,
    account: SendingAccount,
    run: SendRun,
  ): Promise<SendDecision> {
    const { isLastAttempt } = run;
    try {
      return await this.sendVia(account, message, run);
    } catch (error) {
      const secondary = await this.moveToFallback(error, isLastAttempt, account, message);
      if (!secondary) return this.onFailure(error, message.id, account, isLastAttempt);
      try {
        return await this.sendVia(secondary, message, { ...run, claimed: false, paced: false });
      } catch (secondError) {
        return this.onFailure(secondError, message.id, secondary, isLastAttempt);
      }
    }
  }

  /**
   * Sends through `account`; a failure that left the message unsent is thrown, with the claim
   * given back (queued again).
   */
  private async sendVia(
    account: ChannelAccountRef,
    message: MessageEntity,
    run: SendRun,
  ): Promise<SendDecision> {
    const { claimed, paced } = run;
    const provider = this.registry.messaging(account.hub, account.provider);
    const waitMs = paced ? 0 : await this.pacing.waitMs(account);
    if (waitMs > 0) {
      if (claimed) await this.outcomes.release(message.id, this.claimant.id);
      return SendDecision.delay(waitMs, 'paced');
    }
    const key = { hub: account.hub, provider: account.provider, account: account.id };
    if (!claimed && !(await this.outcomes.claim(message.id, this.claimant))) {
      return SendDecision.outcome('skipped');
    }
    let result: SendResult;
    run.providerCalled = true;
    try {
      result = await this.breakers.execute(key, () =>
        provider.send(account, toOutboundMessage(message)),
      );
    } catch (error) {
      if (mayHaveGoneOut(error)) return this.markUnknown(message.id, error);
      await this.outcomes.release(message.id, this.claimant.id);
      throw error;
    }
    await this.outcomes.recordSent(message.id, result.providerMessageId, result.acceptedAt);
    return SendDecision.outcome('sent');
  }

  /**
   * Another run claimed the message. While its lease is live the send is in flight there (a
   * second worker given the same job, or a run whose lock lapsed): left alone, this run comes
   * back once the lease ends. A lapsed claim belongs to a run that stopped mid-send (its
   * worker was killed): the platform may have the message, so it is held as unknown, never
   * sent again.
   */
  private async onClaimed(messageId: string, claimLeftMs: number): Promise<SendDecision> {
    if (claimLeftMs > 0) {
      return SendDecision.delay(Math.ceil(claimLeftMs) + CLAIM_RECHECK_MARGIN_MS, 'claimed');
    }
    const abandoned = await this.outcomes.abandonLapsedClaim(
      messageId,
      SEND_INTERRUPTED,
      'The worker sending it stopped before the platform answered; it may have been sent',
    );
    // Settled (or released) between the read and now: the next run reads where it stands.
    if (!abandoned) return SendDecision.delay(CLAIM_RECHECK_MARGIN_MS, 'claimed');
    this.logger.warn({ messageId }, 'Send interrupted mid-call: outcome unknown, not resent');
    return SendDecision.outcome('unknown');
  }

  private async markUnknown(messageId: string, error: unknown): Promise<SendDecision> {
    const [code, title] =
      error instanceof PlatformError
        ? [error.code, error.message]
        : [SEND_INTERRUPTED, `Unexpected ${(error as Error)?.name ?? 'error'} while sending`];
    await this.outcomes.markUnknown(messageId, code, title);
    this.logger.warn(
      { messageId, code, reason: title },
      'Send outcome unknown: held for a status, an echo or an operator, not resent',
    );
    return SendDecision.outcome('unknown');
  }

  /**
   * Moves the message to the account's fallback account when policy allows, once: a message
   * that already moved stays where it is (no ping-pong between two failing providers), and
   * later attempts of this job send through the account it moved to.
   */
  private async moveToFallback(
    error: unknown,
    lastAttempt: boolean,
    account: ChannelAccountRef,
    message: MessageEntity,
  ): Promise<ChannelAccountRef | null> {
    const reason = this.fallback.reasonFor(error, lastAttempt);
    if (!reason || message.fallbackReason || !this.fallback.allows(message.type, account))
      return null;
    const secondary = await this.accounts.fallbackOf(account);
    if (!secondary) return null;
    await this.messages.moveToAccount(message.id, secondary.id, secondary.provider, reason);
    this.fallbacks.inc({
      hub: account.hub,
      from: account.provider,
      to: secondary.provider,
      reason,
    });
    this.logger.warn(
      { messageId: message.id, from: account.id, to: secondary.id, reason },
      'Send moved to the fallback account',
    );
    return secondary;
  }

  /**
   * What a failed attempt means: wait (open circuit), retry, or fail now. Anything but the
   * platform's answer or an open circuit is our own failure and is thrown.
   */
  private async onFailure(
    error: unknown,
    messageId: string,
    account: ChannelAccountRef,
    lastAttempt: boolean,
  ): Promise<SendDecision> {
    if (error instanceof CircuitOpenError) {
      // The platform is known to be failing: wait for the probe instead of burning attempts.
      return SendDecision.delay(Math.max(error.retryAfterMs, MIN_CIRCUIT_WAIT_MS), 'circuit-open');
    }
    if (!(error instanceof PlatformError)) throw error;
    if (error.retryable && !lastAttempt) return SendDecision.retry(error);
    await this.messages.markFailed(
      messageId,
      error.details.platformCode ?? error.code,
      error.message,
    );
    if (error.failure === 'auth') {
      await this.accounts.setStatus(account.id, 'needs_reauth');
      this.reauthRequired.inc({ hub: account.hub, provider: account.provider });
      this.logger.error(
        { accountId: account.id, code: error.details.platformCode },
        'Channel account credentials rejected: needs re-authentication',
      );
    } else {
      this.logger.warn(
        { messageId, code: error.details.platformCode ?? error.code, retryable: error.retryable },
        'Send failed',
      );
    }
    return SendDecision.outcome('failed');
  }
}

/**
 * Whether a failed provider call may have delivered the message. The platform's own error
 * answers and failures before the request was written (PlatformError other than
 * 'outcome-unknown') and an open circuit (nothing called) did not; anything unexpected might.
 */
function mayHaveGoneOut(error: unknown): boolean {
  if (error instanceof CircuitOpenError) return false;
  return !(error instanceof PlatformError) || error.failure === 'outcome-unknown';
}

function toOutboundMessage(message: MessageEntity): OutboundMessage {
  const { to, ...content } = message.content as Record<string, unknown> & { to: string };
  return {
    ...(content as object),
    type: message.type,
    id: message.id,
    to,
    replyToProviderMessageId: message.replyToProviderMessageId ?? undefined,
  } as OutboundContent & OutboundMessage;
}
