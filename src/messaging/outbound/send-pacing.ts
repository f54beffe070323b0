import { Injectable } from '@nestjs/common';
import type { ChannelAccountRef } from '@core/channel/channel-account';
import { ChannelRegistry } from '@core/channel/channel.registry';
import { pacingWaitMs } from '@core/resilience/pacing-wait';
import { TokenBucket } from '@core/resilience/token-bucket';

/** Accounts whose provider is remembered at most; past it the memory starts over. */
const MAX_REMEMBERED_ACCOUNTS = 10_000;

type Route = Pick<ChannelAccountRef, 'hub' | 'provider'>;

/**
 * Pacing of sends per channel account (the provider's rate, a Redis token bucket shared by
 * every pod). The sender asks before it claims a message: when the job names the account and
 * this process has sent through it before, the token is taken before the message is even
 * read, so the read and the claim can be one statement (a token is never held by a claim
 * waiting for it). An account's hub and provider never change, so remembering them is safe.
 */
@Injectable()
export class SendPacing {
  private readonly routes = new Map<string, Route>();

  constructor(
    private readonly registry: ChannelRegistry,
    private readonly bucket: TokenBucket,
  ) {}

  /** How long a send through `account` waits (0: its token is taken, go now). */
  async waitMs(account: ChannelAccountRef): Promise<number> {
    this.remember(account);
    const { pacing } = this.registry.messaging(account.hub, account.provider);
    return pacing ? pacingWaitMs(this.bucket, `send:${account.id}`, pacing) : 0;
  }

  /**
   * `waitMs` for an account known by its id only; undefined when this process never sent
   * through it (its provider, and so its rate, is not known without reading it).
   */
  async waitMsById(accountId: string): Promise<number | undefined> {
    const route = this.routes.get(accountId);
    if (!route) return undefined;
    return this.waitMs({ ...route, id: accountId } as ChannelAccountRef);
  }

  private remember(account: ChannelAccountRef): void {
    if (this.routes.has(account.id)) return;
    if (this.routes.size >= MAX_REMEMBERED_ACCOUNTS) this.routes.clear();
    this.routes.set(account.id, { hub: account.hub, provider: account.provider });
  }
}
