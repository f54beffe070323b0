import { Injectable, Logger } from '@nestjs/common';
import { RedisBroadcasts } from '@core/redis/redis-broadcasts';
import { BreakerKey, isBreakerKey } from './breaker-key';

type ResetHandler = (key: BreakerKey) => void;

const TOPIC = 'circuit.reset';

/**
 * Carries manual circuit resets to every instance. Breakers live in each pod's memory, so an
 * operator's reset must reach all of them, or the other pods keep the provider account cut off.
 */
@Injectable()
export class CircuitResetChannel {
  private readonly logger = new Logger(CircuitResetChannel.name);
  private readonly handlers: ResetHandler[] = [];

  constructor(private readonly broadcasts: RedisBroadcasts) {
    broadcasts.on(TOPIC, (key) => this.deliver(key));
  }

  onReset(handler: ResetHandler): void {
    this.handlers.push(handler);
  }

  async publish(key: BreakerKey): Promise<void> {
    await this.broadcasts.publish(TOPIC, key);
  }

  private deliver(key: unknown): void {
    if (!isBreakerKey(key)) {
      this.logger.warn('Ignored a circuit reset announcement without a valid key');
      return;
    }
    for (const handler of this.handlers) handler(key);
  }
}
