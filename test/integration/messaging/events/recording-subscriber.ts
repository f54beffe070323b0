import { Injectable, Module } from '@nestjs/common';
import { MESSAGING_EVENT_TYPES, MessagingEvent } from '@app/messaging/events/messaging-event';
import { OnMessagingEvent } from '@app/messaging/events/on-messaging-event.decorator';

/** Subscribers that note every call, and fail or linger when a test says so. */
@Injectable()
export class RecordingSubscribers {
  readonly steady: MessagingEvent[] = [];
  readonly flaky: MessagingEvent[] = [];
  /** Events `flaky` throws on, by id. */
  readonly failOn = new Set<string>();
  /** Streams being handled right now, to catch two workers in one conversation at once. */
  private readonly inFlight = new Set<string>();
  overlaps = 0;
  delayMs: (event: MessagingEvent) => number = () => 0;

  @OnMessagingEvent({ subscriber: 'test.steady', types: MESSAGING_EVENT_TYPES })
  async record(event: MessagingEvent): Promise<void> {
    if (this.inFlight.has(event.streamId)) this.overlaps += 1;
    this.inFlight.add(event.streamId);
    try {
      const ms = this.delayMs(event);
      if (ms) await new Promise((resolve) => setTimeout(resolve, ms));
      this.steady.push(event);
    } finally {
      this.inFlight.delete(event.streamId);
    }
  }

  @OnMessagingEvent({
    subscriber: 'test.flaky',
    types: ['message.accepted', 'message.status_changed'],
  })
  flakyRecord(event: MessagingEvent): void {
    this.flaky.push(event);
    if (this.failOn.has(event.id)) throw new Error(`refused ${event.type}`);
  }

  reset(): void {
    this.steady.length = 0;
    this.flaky.length = 0;
    this.failOn.clear();
    this.overlaps = 0;
    this.delayMs = () => 0;
  }
}

@Module({ providers: [RecordingSubscribers] })
export class RecordingSubscribersModule {}
