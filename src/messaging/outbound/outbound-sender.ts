import { Injectable, Logger } from '@nestjs/common';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import { DelayedError, Job } from 'bullmq';
import { Counter } from 'prom-client';
import type { ChannelAccountRef } from '@core/channel/channel-account';
import { ChannelRegistry } from '@core/channel/channel.registry';
import type { OutboundContent, OutboundMessage } from '@core/channel/outbound-message';
import { PlatformError } from '@core/errors/platform-error';
import { CircuitBreakerRegistry } from '@core/resilience/circuit-breaker.registry';
import { CircuitOpenError } from '@core/resilience/circuit-open.error';
import { pace } from '@core/resilience/job-pacing';
import { TokenBucket } from '@core/resilience/token-bucket';
import { ChannelAccountsService } from '../channel-accounts/channel-accounts.service';
import type { MessageEntity } from '../entities/message.entity';
import { MessagesRepository } from '../messages/messages.repository';
import { FallbackPolicy } from './fallback-policy';
import { ACCOUNT_REAUTH_REQUIRED_TOTAL, MESSAGE_FALLBACKS_TOTAL } from './outbound.metrics';
import type { OutboundJobData } from './outbound-job';

export type SendOutcome = 'sent' | 'failed' | 'skipped';

/**
 * Sends one queued message: pacing per account (a job without a token is delayed, not
 * failed), the provider+account circuit breaker, then the provider. Retryable failures are
 * rethrown for BullMQ's backoff; permanent ones fail the message at once with the platform's
 * code; the last allowed attempt fails it too, and the job stays in the failed set (the dead
 * letters an operator can re-drive). When the provider is down and policy allows, the send
 * moves to the account's fallback account (FallbackPolicy). Idempotent: a message that is no
 * longer queued is skipped.
 */
@Injectable()
export class OutboundSender {
  private readonly logger = new Logger(OutboundSender.name);

  constructor(
    private readonly messages: MessagesRepository,
    private readonly accounts: ChannelAccountsService,
    private readonly registry: ChannelRegistry,
    private readonly breakers: CircuitBreakerRegistry,
    private readonly bucket: TokenBucket,
    private readonly fallback: FallbackPolicy,
    @InjectMetric(MESSAGE_FALLBACKS_TOTAL) private readonly fallbacks: Counter<string>,
    @InjectMetric(ACCOUNT_REAUTH_REQUIRED_TOTAL) private readonly reauthRequired: Counter<string>,
  ) {}

  async send(job: Job<OutboundJobData>, token: string | undefined): Promise<SendOutcome> {
    const message = await this.messages.findQueued(job.data.messageId);
    if (!message) return 'skipped';
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
    const result = await this.breakers.execute(key, () =>
      provider.send(account, toOutboundMessage(message)),
    );
    await this.messages.markSent(message.id, result.providerMessageId, result.acceptedAt);
    return 'sent';
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
    if (!reason || message.fallbackReason || !this.fallback.allows(message.type)) return null;
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
