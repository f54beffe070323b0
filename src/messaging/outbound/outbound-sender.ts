import { Injectable, Logger } from '@nestjs/common';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import { DelayedError, Job } from 'bullmq';
import { Counter } from 'prom-client';
import type { ChannelAccountRef } from '@core/channel/channel-account';
import { ChannelRegistry } from '@core/channel/channel.registry';
import type { OutboundContent, OutboundMessage, SendResult } from '@core/channel/outbound-message';
import { PlatformError } from '@core/errors/platform-error';
import { CircuitBreakerRegistry } from '@core/resilience/circuit-breaker.registry';
import { CircuitOpenError } from '@core/resilience/circuit-open.error';
import { pace } from '@core/resilience/job-pacing';
import { TokenBucket } from '@core/resilience/token-bucket';
import { TenantsService } from '@app/tenants/tenants.service';
import { ChannelAccountsService } from '../channel-accounts/channel-accounts.service';
import type { MessageEntity } from '../entities/message.entity';
import { MessagesRepository } from '../messages/messages.repository';
import { SendOutcomesRepository } from '../messages/send-outcomes.repository';
import { FallbackPolicy } from './fallback-policy';
import { ACCOUNT_REAUTH_REQUIRED_TOTAL, MESSAGE_FALLBACKS_TOTAL } from './outbound.metrics';
import type { OutboundJobData } from './outbound-job';

export type SendOutcome = 'sent' | 'failed' | 'skipped' | 'unknown';

/** Why a send's outcome is unknown when the platform did not say. */
export const SEND_INTERRUPTED = 'MESSAGE.SEND_INTERRUPTED';

/** A suspended tenant's queued sends fail with this code (an operator may re-drive them). */
export const TENANT_SUSPENDED = 'TENANT.SUSPENDED';

/**
 * Sends one queued message: pacing per account (a job without a token is delayed, not
 * failed), the provider+account circuit breaker, then the provider. Retryable failures are
 * rethrown for BullMQ's backoff; permanent ones fail the message at once with the platform's
 * code; the last allowed attempt fails it too, and the job stays in the failed set (the dead
 * letters an operator can re-drive). When the provider is down and policy allows, the send
 * moves to the account's fallback account (FallbackPolicy).
 *
 * At most once: the message is claimed (`queued → sending`, atomically) right before the
 * provider is called, so two workers never both send it. A send that may have gone out (no
 * answer after the request was written, an unexpected error mid-call, or a run that finds the
 * claim of an earlier run that died) becomes `unknown` and is never sent again by itself: the
 * platform's echo, a status webhook or an operator settles it. A message that is neither
 * queued nor claimed is skipped.
 */
@Injectable()
export class OutboundSender {
  private readonly logger = new Logger(OutboundSender.name);

  constructor(
    private readonly messages: MessagesRepository,
    private readonly outcomes: SendOutcomesRepository,
    private readonly tenants: TenantsService,
    private readonly accounts: ChannelAccountsService,
    private readonly registry: ChannelRegistry,
    private readonly breakers: CircuitBreakerRegistry,
    private readonly bucket: TokenBucket,
    private readonly fallback: FallbackPolicy,
    @InjectMetric(MESSAGE_FALLBACKS_TOTAL) private readonly fallbacks: Counter<string>,
    @InjectMetric(ACCOUNT_REAUTH_REQUIRED_TOTAL) private readonly reauthRequired: Counter<string>,
  ) {}

  async send(job: Job<OutboundJobData>, token: string | undefined): Promise<SendOutcome> {
    const message = await this.messages.findOutbound(job.data.messageId);
    if (message?.status === 'sending') return this.abandonEarlierClaim(message.id);
    if (message?.status !== 'queued') return 'skipped';
    // Suspension stops sending at once, also what was accepted before: failed rather than
    // held, so nothing stale goes out on reactivation unless an operator re-drives it.
    if (!(await this.tenants.isActive(message.tenantId))) {
      await this.messages.markFailed(
        message.id,
        TENANT_SUSPENDED,
        'The tenant is suspended; its queued sends were not sent',
      );
      this.logger.warn({ messageId: message.id }, 'Send of a suspended tenant failed');
      return 'failed';
    }
    const account = await this.accounts.open(message.tenantId, message.channelAccountId);
    const lastAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    try {
      return await this.sendVia(account, message, job, token);
    } catch (error) {
      const secondary = await this.moveToFallback(error, lastAttempt, account, message);
      if (!secondary) return this.onFailure(error, message.id, account, lastAttempt, job, token);
      try {
        return await this.sendVia(secondary, message, job, token);
      } catch (secondError) {
        return this.onFailure(secondError, message.id, secondary, lastAttempt, job, token);
      }
    }
  }

  private async sendVia(
    account: ChannelAccountRef,
    message: MessageEntity,
    job: Job<OutboundJobData>,
    token: string | undefined,
  ): Promise<SendOutcome> {
    const provider = this.registry.messaging(account.hub, account.provider);
    if (provider.pacing) await pace(job, token, this.bucket, `send:${account.id}`, provider.pacing);
    const key = { hub: account.hub, provider: account.provider, account: account.id };
    if (!(await this.outcomes.claim(message.id))) return 'skipped';
    let result: SendResult;
    try {
      result = await this.breakers.execute(key, () =>
        provider.send(account, toOutboundMessage(message)),
      );
    } catch (error) {
      if (mayHaveGoneOut(error)) return this.markUnknown(message.id, error);
      await this.outcomes.release(message.id);
      throw error;
    }
    await this.outcomes.recordSent(message.id, result.providerMessageId, result.acceptedAt);
    return 'sent';
  }

  /**
   * This job already claimed the message in an earlier run that never ended (its worker was
   * killed, or its lock lapsed): the platform may have the message, so it is not sent again.
   */
  private async abandonEarlierClaim(messageId: string): Promise<SendOutcome> {
    await this.outcomes.markUnknown(
      messageId,
      SEND_INTERRUPTED,
      'The worker sending it stopped before the platform answered; it may have been sent',
    );
    this.logger.warn({ messageId }, 'Send interrupted mid-call: outcome unknown, not resent');
    return 'unknown';
  }

  private async markUnknown(messageId: string, error: unknown): Promise<SendOutcome> {
    const [code, title] =
      error instanceof PlatformError
        ? [error.code, error.message]
        : [SEND_INTERRUPTED, `Unexpected ${(error as Error)?.name ?? 'error'} while sending`];
    await this.outcomes.markUnknown(messageId, code, title);
    this.logger.warn(
      { messageId, code, reason: title },
      'Send outcome unknown: held for a status, an echo or an operator, not resent',
    );
    return 'unknown';
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

  /** What a failed attempt means: wait (pacing, open circuit), retry (rethrow), or fail now. */
  private async onFailure(
    error: unknown,
    messageId: string,
    account: ChannelAccountRef,
    lastAttempt: boolean,
    job: Job<OutboundJobData>,
    token: string | undefined,
  ): Promise<SendOutcome> {
    if (error instanceof DelayedError) throw error;
    if (error instanceof CircuitOpenError && token !== undefined) {
      // The platform is known to be failing: wait for the probe instead of burning attempts.
      await job.moveToDelayed(Date.now() + Math.max(error.retryAfterMs, 1_000), token);
      throw new DelayedError();
    }
    if (!(error instanceof PlatformError)) throw error;
    if (error.retryable && !lastAttempt) throw error;
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
    return 'failed';
  }
}

/**
 * Whether a failed provider call may have delivered the message. The platform's own error
 * answers and failures before the request was written (PlatformError other than
 * 'outcome-unknown') and an open circuit (nothing called) did not; anything unexpected might.
 */
function mayHaveGoneOut(error: unknown): boolean {
  if (error instanceof CircuitOpenError || error instanceof DelayedError) return false;
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
