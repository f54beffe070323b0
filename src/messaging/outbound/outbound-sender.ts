import { Injectable, Logger } from '@nestjs/common';
import { DelayedError, Job } from 'bullmq';
import { ChannelRegistry } from '@core/channel/channel.registry';
import type { OutboundContent, OutboundMessage } from '@core/channel/outbound-message';
import { PlatformError } from '@core/errors/platform-error';
import { CircuitBreakerRegistry } from '@core/resilience/circuit-breaker.registry';
import { CircuitOpenError } from '@core/resilience/circuit-open.error';
import { pace } from '@core/resilience/job-pacing';
import { TokenBucket } from '@core/resilience/token-bucket';
import { ChannelAccountsService } from '../channel-accounts/channel-accounts.service';
import { MessagesRepository } from '../messages/messages.repository';
import type { OutboundJobData } from './outbound-job';

export type SendOutcome = 'sent' | 'failed' | 'skipped';

/**
 * Sends one queued message: pacing per account (a job without a token is delayed, not
 * failed), the provider+account circuit breaker, then the provider. Retryable failures are
 * rethrown for BullMQ's backoff; permanent ones fail the message at once with the platform's
 * code; the last allowed attempt fails it too, and the job stays in the failed set (the dead
 * letters an operator can re-drive). Idempotent: a message that is no longer queued is skipped.
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
  ) {}

  async send(job: Job<OutboundJobData>, token: string | undefined): Promise<SendOutcome> {
    const message = await this.messages.findQueued(job.data.messageId);
    if (!message) return 'skipped';
    const account = await this.accounts.open(message.tenantId, message.channelAccountId);
    const provider = this.registry.messaging(account.hub, account.provider);
    if (provider.pacing) {
      await pace(job, token, this.bucket, `send:${account.id}`, provider.pacing);
    }

    const { to, ...content } = message.content as Record<string, unknown> & { to: string };
    const outbound = {
      ...(content as object),
      type: message.type,
      id: message.id,
      to,
      replyToProviderMessageId: message.replyToProviderMessageId ?? undefined,
    } as OutboundContent & OutboundMessage;
    const key = { hub: account.hub, provider: account.provider, account: account.id };

    try {
      const result = await this.breakers.execute(key, () => provider.send(account, outbound));
      await this.messages.markSent(message.id, result.providerMessageId, result.acceptedAt);
      return 'sent';
    } catch (error) {
      if (error instanceof CircuitOpenError) {
        // The platform is known to be failing: wait for the probe instead of burning attempts.
        if (token === undefined) throw error;
        await job.moveToDelayed(Date.now() + Math.max(error.retryAfterMs, 1_000), token);
        throw new DelayedError();
      }
      if (!(error instanceof PlatformError)) throw error;
      const lastAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      if (error.retryable && !lastAttempt) throw error;
      await this.fail(message.id, account.id, error);
      return 'failed';
    }
  }

  private async fail(messageId: string, accountId: string, error: PlatformError): Promise<void> {
    await this.messages.markFailed(
      messageId,
      error.details.platformCode ?? error.code,
      error.message,
    );
    if (error.failure === 'auth') {
      await this.accounts.setStatus(accountId, 'needs_reauth');
      this.logger.error(
        { accountId, code: error.details.platformCode },
        'Channel account credentials rejected: needs re-authentication',
      );
    } else {
      this.logger.warn(
        { messageId, code: error.details.platformCode ?? error.code, retryable: error.retryable },
        'Send failed',
      );
    }
  }
}
