import { Inject, Injectable } from '@nestjs/common';
import { CHANNEL_PROVIDERS, ChannelProvider } from '@core/channel/channel-provider';
import { RegisterHubIndicator } from '@core/health/hub-indicator';
import { ProviderHubIndicator } from '@core/health/provider-hub-indicator';
import { CircuitBoard } from '@core/resilience/circuit-board';

/** Instagram's entry in /health/hubs: its Graph provider and its circuits. */
@Injectable()
@RegisterHubIndicator()
export class InstagramHealthIndicator extends ProviderHubIndicator {
  readonly hub = 'instagram';

  constructor(
    @Inject(CHANNEL_PROVIDERS) providers: readonly ChannelProvider[],
    board: CircuitBoard,
  ) {
    super(providers, board);
  }
}
