import { Injectable } from '@nestjs/common';
import {
  InboundEventHandler,
  InboundEventRecord,
  InboundHandler,
} from '@core/inbox/inbound-event-handler';

/** Records every event it handles. */
@Injectable()
@InboundHandler()
export class RecordingHandler implements InboundEventHandler {
  static readonly SOURCE = 'test-recording';
  readonly source = RecordingHandler.SOURCE;
  readonly handled: InboundEventRecord[] = [];

  handle(event: InboundEventRecord): Promise<void> {
    this.handled.push(event);
    return Promise.resolve();
  }

  timesHandled(id: string): number {
    return this.handled.filter((event) => event.id === id).length;
  }
}

/** Fails the first attempt at each event, succeeds on the next. */
@Injectable()
@InboundHandler()
export class FailsOnceHandler implements InboundEventHandler {
  static readonly SOURCE = 'test-fails-once';
  static readonly ERROR = 'platform lookup failed';
  readonly source = FailsOnceHandler.SOURCE;
  private readonly tries = new Map<string, number>();

  handle(event: InboundEventRecord): Promise<void> {
    const tries = (this.tries.get(event.id) ?? 0) + 1;
    this.tries.set(event.id, tries);
    return tries === 1 ? Promise.reject(new Error(FailsOnceHandler.ERROR)) : Promise.resolve();
  }

  triesOf(id: string): number {
    return this.tries.get(id) ?? 0;
  }
}
