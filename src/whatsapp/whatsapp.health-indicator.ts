import { Inject, Injectable } from '@nestjs/common';
import { CHANNEL_PROVIDERS, ChannelProvider } from '@core/channel/channel-provider';
import { RegisterHubIndicator } from '@core/health/hub-indicator';
import { ProviderHubIndicator } from '@core/health/provider-hub-indicator';
import { CircuitBoard } from '@core/resilience/circuit-board';

/** WhatsApp's entry in /health/hubs: Meta Cloud and Evolution providers, and their circuits. */
@Injectable()
@RegisterHubIndicator()
export class WhatsappHealthIndicator extends ProviderHubIndicator {
  readonly hub = 'whatsapp';

  constructor(
    @Inject(CHANNEL_PROVIDERS) providers: readonly ChannelProvider[],
    board: CircuitBoard,
  ) {
    super(providers, board);
  }
}
