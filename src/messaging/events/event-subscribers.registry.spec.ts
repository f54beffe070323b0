import { Injectable, Scope, Type } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { EventSubscribersRegistry } from './event-subscribers.registry';
import type { MessagingEvent, MessagingEventType } from './messaging-event';
import { OnMessagingEvent } from './on-messaging-event.decorator';

const boot = async (...subscribers: Type[]) => {
  const moduleRef = await Test.createTestingModule({
    imports: [DiscoveryModule],
    providers: [EventSubscribersRegistry, ...subscribers],
  }).compile();
  await moduleRef.init();
  return moduleRef.get(EventSubscribersRegistry);
};

@Injectable()
class Mirror {
  readonly seen: MessagingEvent[] = [];

  @OnMessagingEvent({ subscriber: 'bitrix.mirror', types: ['message.received', 'message.sent'] })
  mirror(event: MessagingEvent): void {
    this.seen.push(event);
  }
}

@Injectable()
class UnknownType {
  @OnMessagingEvent({
    subscriber: 'test.unknown',
    types: ['message.vanished' as MessagingEventType],
  })
  handle(): void {}
}

@Injectable()
class BadName {
  @OnMessagingEvent({ subscriber: 'Mirror', types: ['message.sent'] })
  handle(): void {}
}

@Injectable()
class SameName {
  @OnMessagingEvent({ subscriber: 'bitrix.mirror', types: ['message.sent'] })
  handle(): void {}
}

@Injectable({ scope: Scope.REQUEST })
class PerRequest {
  @OnMessagingEvent({ subscriber: 'test.per-request', types: ['message.sent'] })
  handle(): void {}
}

describe('EventSubscribersRegistry', () => {
  it('finds decorated methods and calls them with the event', async () => {
    const registry = await boot(Mirror);
    const [subscriber] = registry.all();
    expect(subscriber).toMatchObject({ name: 'bitrix.mirror', origin: 'Mirror.mirror' });
    expect([...subscriber.types]).toEqual(['message.received', 'message.sent']);
    await subscriber.handle({ id: 'e1' } as MessagingEvent);
    expect(registry.names()).toEqual(['bitrix.mirror']);
  });

  it.each([
    [UnknownType, /UnknownType\.handle subscribes to unknown event types message\.vanished/],
    [BadName, /BadName\.handle needs a subscriber name like 'bitrix\.mirror'/],
    [PerRequest, /PerRequest\.handle subscribes to messaging events but is not a singleton/],
  ])('stops the boot naming %p when it is misdeclared', async (subscriber, message) => {
    await expect(boot(subscriber)).rejects.toThrow(message);
  });

  it('stops the boot when two subscribers share a name', async () => {
    await expect(boot(Mirror, SameName)).rejects.toThrow(
      /SameName\.handle and Mirror\.mirror both call themselves subscriber 'bitrix\.mirror'/,
    );
  });
});
