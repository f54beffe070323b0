import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { MicroBatcher, sameForAll } from '@core/batching/micro-batcher';
import { ChannelRegistry } from '@core/channel/channel.registry';
import { DomainError, NotFoundError } from '@core/errors/domain-error';
import { newId } from '@core/database/ids';
import { clearFinishedJob } from '@core/queue/clear-finished-job';
import { addWhenLive } from '@core/queue/fail-fast-add';
import { QueueName } from '@core/queue/queue-names';
import type { ChannelAccountDto } from '../channel-accounts/channel-account.view';
import { ChannelAccountsService } from '../channel-accounts/channel-accounts.service';
import { ContactsService, Identity, identityKey } from '../contacts/contacts.service';
import type { ResolvedRecipient } from '../contacts/recipient-read.sql';
import { ConversationsService } from '../conversations/conversations.service';
import {
  MessagesRepository,
  NewOutboundMessage,
  StoredOutbound,
} from '../messages/messages.repository';
import { ENQUEUE_TIMEOUT_MS, OutboundJob, OutboundJobData } from './outbound-job';
import { toOutboundContent } from './outbound-content';
import { OutboundIdempotency } from './idempotency/outbound-idempotency';
import type { OutboundContext, RuleFactsRefs } from './outbound-rule';
import { OutboundRules } from './outbound-rules';
import { RecipientReuse } from './recipient-reuse';
import { SendPurposes } from './send-purpose';
import {
  assertContentAllowed,
  assertProviderTakes,
  recipientIdentities,
} from './provider-send-rules';
import type { SendMessageCommand } from './send-message.command';
import { isUUID } from 'class-validator';

/** Jobs per addBulk, stamps per UPDATE. */
const MAX_BATCH = 256;

/** What the rules judge a send by, but for its recipient. */
interface SendToDecide {
  identities: readonly Identity[];
  account: ChannelAccountDto;
  context: Omit<OutboundContext, 'contactId' | 'lastInboundAt' | 'now' | 'facts'>;
}

export interface AcceptedMessage {
  id: string;
  status: string;
  duplicate: boolean;
}

/**
 * Accepts a send: checks the account, the provider's capabilities and every outbound rule,
 * then stores the message as `queued` and enqueues it (jobId = message id). The row is the
 * outbox: if Redis cannot take the job now, the sweeper enqueues it later, so an accepted
 * message is never lost. Honours the command's idempotency key per tenant (OutboundIdempotency).
 */
@Injectable()
export class OutboundDispatcher {
  private readonly logger = new Logger(OutboundDispatcher.name);
  private readonly adds = new MicroBatcher<OutboundJobData, void>(
    (jobs) =>
      sameForAll(jobs.length, () =>
        addWhenLive(
          this.queue,
          jobs.map((data) => ({
            name: OutboundJob.Send,
            data,
            opts: { jobId: data.messageId },
          })),
          ENQUEUE_TIMEOUT_MS,
        ),
      ),
    MAX_BATCH,
  );
  private readonly recipients = new RecipientReuse();
  private readonly enqueuedStamps = new MicroBatcher<string, void>(
    (ids) => sameForAll(ids.length, () => this.messages.markEnqueued(ids)),
    MAX_BATCH,
  );

  constructor(
    private readonly accounts: ChannelAccountsService,
    private readonly registry: ChannelRegistry,
    private readonly contacts: ContactsService,
    private readonly conversations: ConversationsService,
    private readonly messages: MessagesRepository,
    private readonly rules: OutboundRules,
    private readonly purposes: SendPurposes,
    private readonly idempotency: OutboundIdempotency,
    @InjectQueue(QueueName.Outbound) private readonly queue: Queue<OutboundJobData>,
  ) {}

  async accept(request: SendMessageCommand): Promise<AcceptedMessage> {
    const { tenantId, idempotency: claim } = request;
    if (claim) {
      const earlier = await this.idempotency.earlierSend(tenantId, claim);
      if (earlier) return { ...earlier, duplicate: true };
    }

    // The account without its credentials: accepting a send needs no secret opened. Reused
    // for a moment across a burst; the worker reads it afresh before sending.
    const account = await this.accounts.getForSend(tenantId, request.channelAccountId);
    if (account.status !== 'active') {
      throw new DomainError(
        'CHANNEL_ACCOUNT.NOT_ACTIVE',
        'unprocessable',
        `Channel account is ${account.status}; it cannot send until it is active again`,
      );
    }
    const provider = this.registry.messaging(account.hub, account.provider);
    assertProviderTakes(provider, request);

    const content = await toOutboundContent(request, (id) => this.providerIdOf(tenantId, id));
    assertContentAllowed(provider, content);
    const purpose = await this.purposes.purposeOf(tenantId, account, content, request.purpose);
    const { type, ...body } = content;
    const message = {
      id: newId(),
      tenantId,
      channelAccountId: account.id,
      provider: account.provider,
      type,
      content: { ...body, to: request.to },
      purpose,
      replyToProviderMessageId: request.replyTo
        ? await this.providerIdOf(tenantId, request.replyTo)
        : undefined,
      replyToMessageId: request.replyTo && isUUID(request.replyTo) ? request.replyTo : undefined,
      idempotency: claim,
    };
    const stored = await this.decideAndStore(message, {
      identities: recipientIdentities(provider, request.to),
      account,
      context: { tenantId, account, content, purpose },
    });
    if (!stored.created && claim) {
      return { ...(await this.idempotency.winnerOfRace(tenantId, claim)), duplicate: true };
    }

    await this.enqueueStored({ messageId: stored.id, channelAccountId: account.id });
    return { id: stored.id, status: 'queued', duplicate: false };
  }

  /**
   * Applies every rule to the send, given its recipient, and stores it. A recipient read kept
   * from an earlier send to the same person (RecipientReuse) is decided on first and stored
   * by one statement, guarded: it stores only while the recipient reads the same. When the
   * guard finds a change, that statement's own read decides again; when a rule refuses on
   * the kept read, a fresh read does (a refusal is never based on an old read). Otherwise:
   * read, decide, store, as one read and one insert.
   */
  private async decideAndStore(
    message: Omit<NewOutboundMessage, 'conversationId'>,
    send: SendToDecide,
  ): Promise<StoredOutbound> {
    const { identities, account } = send;
    const key = [message.tenantId, account.id, ...identities.map(identityKey)].join('\n');
    const factsSql = (refs: RuleFactsRefs) => this.rules.factsSql(refs, 'accept');
    let recipient: ResolvedRecipient | null | undefined = this.recipients.take(key);
    if (recipient) {
      const now = await this.decide(send, recipient).catch((error: unknown) => {
        if (error instanceof DomainError) return undefined;
        throw error;
      });
      if (now) {
        const stored = await this.messages.insertOutboundTouching(
          message,
          { contactId: recipient.contactId, at: now },
          {
            identities,
            hub: account.hub,
            fingerprint: recipient.fingerprint,
            factsSql,
          },
        );
        if (stored.recipientChanged === undefined) return stored;
        recipient = stored.recipientChanged;
      } else {
        recipient = undefined;
      }
      this.recipients.forget(key);
    }
    recipient ??= await this.contacts.resolveRecipient(
      message.tenantId,
      identities,
      account,
      factsSql,
    );
    const now = await this.decide(send, recipient);
    const stored = await this.messages.insertOutboundTouching(message, {
      contactId: recipient.contactId,
      at: now,
    });
    if ('fingerprint' in recipient) this.recipients.keep(key, recipient);
    return stored;
  }

  /** Applies every rule to the send to `recipient`; returns when it was decided. */
  private async decide(
    { account, context }: SendToDecide,
    recipient: ResolvedRecipient,
  ): Promise<Date> {
    const now = new Date();
    await this.rules.enforce({
      ...context,
      contactId: recipient.contactId,
      lastInboundAt:
        recipient.lastInboundAt !== undefined
          ? recipient.lastInboundAt
          : await this.conversations.lastInboundAt(account.id, recipient.contactId),
      now,
      facts: 'ruleFacts' in recipient ? recipient.ruleFacts : undefined,
    });
    return now;
  }

  /**
   * Adds the job of a message stored just now, already stamped enqueued by its insert. When
   * Redis cannot take it, the stamp is cleared so the sweeper adds it soon; should that fail
   * too, the sweeper still finds it as stalled (INBOX_SWEEP_STALLED_AFTER_MS), later.
   */
  private async enqueueStored(job: Required<OutboundJobData>): Promise<void> {
    const { messageId } = job;
    try {
      await this.adds.submit(job);
    } catch (error) {
      this.logger.warn(
        { messageId, reason: (error as Error).message },
        'Message stored; enqueueing left to the sweeper',
      );
      await this.messages
        .markNotEnqueued(messageId)
        .catch((clearError: unknown) =>
          this.logger.warn(
            { messageId, reason: (clearError as Error).message },
            'Could not clear the enqueued stamp; the sweeper finds the message once it is stalled',
          ),
        );
    }
  }

  /**
   * Enqueues a stored message now, or leaves it to the sweeper when Redis cannot take it.
   * Sends enqueued together share one addBulk, and their enqueued stamps one UPDATE after the
   * answer (the stamp only spares the sweeper a re-add under the same job id).
   */
  async enqueue(messageId: string): Promise<void> {
    try {
      await this.adds.submit({ messageId });
    } catch (error) {
      this.logger.warn(
        { messageId, reason: (error as Error).message },
        'Message stored; enqueueing left to the sweeper',
      );
      return;
    }
    this.enqueuedStamps
      .submit(messageId)
      .catch((error: unknown) =>
        this.logger.warn(
          { messageId, reason: (error as Error).message },
          'Could not stamp a message enqueued; the sweeper will re-add it (same job id)',
        ),
      );
  }

  /**
   * Enqueues a message whose earlier job may still be kept under the same job id (completed
   * jobs live 24 h, failed ones 7 days): adding that id again would be a no-op, so a finished
   * earlier job is removed first. For operator re-drives and for queued messages the sweeper
   * finds stranded; a job still waiting, delayed or running is left as it is.
   */
  async enqueueAfresh(messageId: string): Promise<void> {
    await clearFinishedJob(this.queue, messageId, this.logger);
    await this.enqueue(messageId);
  }

  private async providerIdOf(tenantId: string, id: string): Promise<string> {
    if (!isUUID(id)) return id;
    const providerMessageId = await this.messages.providerIdOf(tenantId, id);
    if (!providerMessageId) throw new NotFoundError('Message');
    return providerMessageId;
  }
}
