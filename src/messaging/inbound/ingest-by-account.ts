import { Injectable } from '@nestjs/common';
import { ChannelAccountsService } from '../channel-accounts/channel-accounts.service';
import { InboundPipeline } from './inbound-pipeline';
import type { NormalizedEvent } from './normalized-event';
import { StatusesNotYetMatchedError, UNMATCHED_STATUS_RETRIES } from './unmatched-statuses';

/**
 * Ingests a delivery that may name several accounts of one provider (a Meta delivery carries
 * entries for every number or Instagram account subscribed to the app): the events go to the
 * pipeline account by account, events of an account not connected here are dropped, and while
 * statuses wait for the send they report on, the delivery asks to be retried
 * (StatusesNotYetMatchedError, at most UNMATCHED_STATUS_RETRIES times).
 */
@Injectable()
export class IngestByAccount {
  constructor(
    private readonly accounts: ChannelAccountsService,
    private readonly pipeline: InboundPipeline,
  ) {}

  /** `onUnknownAccount` hears each external id that names no connected account (to report). */
  async ingest(
    scope: { hub: string; provider: string },
    events: readonly NormalizedEvent[],
    attemptsSoFar: number,
    onUnknownAccount: (externalId: string) => void,
  ): Promise<void> {
    let unmatched = 0;
    for (const [externalId, group] of byAccount(events)) {
      const account = await this.accounts.openForIngest(scope.hub, scope.provider, externalId);
      if (!account) {
        onUnknownAccount(externalId);
        continue;
      }
      unmatched += (await this.pipeline.ingest(account, group)).statusesUnmatched;
    }
    if (unmatched > 0 && attemptsSoFar < UNMATCHED_STATUS_RETRIES) {
      throw new StatusesNotYetMatchedError(unmatched);
    }
  }
}

function byAccount(events: readonly NormalizedEvent[]): Map<string, NormalizedEvent[]> {
  const groups = new Map<string, NormalizedEvent[]>();
  for (const event of events) {
    const group = groups.get(event.accountExternalId) ?? [];
    group.push(event);
    groups.set(event.accountExternalId, group);
  }
  return groups;
}
