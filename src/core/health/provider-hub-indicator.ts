import type { ChannelProvider } from '@core/channel/channel-provider';
import type { CircuitBoard } from '@core/resilience/circuit-board';
import type { HubIndicator, HubIndicatorReport } from './hub-indicator';

/**
 * The usual HubIndicator of a platform module: its providers' own checks (without an account:
 * is the platform reachable, where the provider can tell) and its circuits across the cluster.
 * Down when every provider is down; degraded when any provider is not up or any account's
 * circuit is not closed (an open circuit cuts off one account, not the hub: the circuits known
 * are only those of accounts that made calls, so "all open" says little about the others). A module with its own notion of health (sessions,
 * watches) implements HubIndicator itself.
 */
export abstract class ProviderHubIndicator implements HubIndicator {
  abstract readonly hub: string;

  protected constructor(
    private readonly providers: readonly ChannelProvider[],
    private readonly board: CircuitBoard,
  ) {}

  async check(): Promise<HubIndicatorReport> {
    const mine = this.providers.filter((provider) => provider.hub === this.hub);
    const [checks, circuits] = await Promise.all([
      Promise.all(
        mine.map(async (provider) => {
          try {
            const { status, detail } = await provider.checkHealth();
            return { provider: provider.provider, status, detail };
          } catch (error) {
            return {
              provider: provider.provider,
              status: 'down' as const,
              detail: (error as Error).message,
            };
          }
        }),
      ),
      this.board.cluster(),
    ]);
    const own = circuits.filter((circuit) => circuit.hub === this.hub);
    const open = own.filter((circuit) => circuit.state === 'open').length;
    const halfOpen = own.filter((circuit) => circuit.state === 'half-open').length;
    const allDown = checks.length > 0 && checks.every((check) => check.status === 'down');
    const status = allDown
      ? 'down'
      : open + halfOpen > 0 || checks.some((check) => check.status !== 'up')
        ? 'degraded'
        : 'up';
    return { status, providers: checks, circuits: { known: own.length, open, halfOpen } };
  }
}
