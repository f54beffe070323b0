import { Injectable, OnModuleInit } from '@nestjs/common';
import { DiscoveryService, MetadataScanner } from '@nestjs/core';
import type { InstanceWrapper } from '@nestjs/core/injector/instance-wrapper';
import { MESSAGING_EVENT_TYPES, MessagingEvent, MessagingEventType } from './messaging-event';
import { MessagingSubscription, OnMessagingEvent } from './on-messaging-event.decorator';

/** One subscribed method, ready to call. */
export interface EventSubscriber {
  readonly name: string;
  readonly types: ReadonlySet<MessagingEventType>;
  /** Where it was declared, for logs and dead letters: `Class.method`. */
  readonly origin: string;
  handle(event: MessagingEvent): Promise<void>;
}

const SUBSCRIBER_NAME = /^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)+$/;

/** A wrong `@OnMessagingEvent` declaration: the boot stops with the class named. */
export class EventSubscriptionError extends Error {
  override readonly name = 'EventSubscriptionError';
}

/**
 * Every `@OnMessagingEvent` method in the app, found once at boot. Mistakes (an unknown event
 * type, a malformed or duplicated subscriber name, a subscriber that is not a singleton) fail
 * the boot naming the class, instead of events silently never arriving.
 */
@Injectable()
export class EventSubscribersRegistry implements OnModuleInit {
  private readonly subscribers = new Map<string, EventSubscriber>();

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
  ) {}

  onModuleInit(): void {
    for (const wrapper of this.discovery.getProviders()) {
      const prototype = (wrapper.metatype as { prototype?: object } | null)?.prototype;
      if (!prototype || typeof wrapper.metatype !== 'function') continue;
      for (const method of this.scanner.getAllMethodNames(prototype)) {
        const subscription = Reflect.getMetadata(
          OnMessagingEvent.KEY,
          (prototype as Record<string, unknown>)[method] as object,
        ) as MessagingSubscription | undefined;
        if (subscription) this.add(wrapper, method, subscription);
      }
    }
  }

  all(): readonly EventSubscriber[] {
    return [...this.subscribers.values()];
  }

  names(): string[] {
    return [...this.subscribers.keys()];
  }

  get(name: string): EventSubscriber | undefined {
    return this.subscribers.get(name);
  }

  private add(wrapper: InstanceWrapper, method: string, subscription: MessagingSubscription) {
    const origin = `${wrapper.metatype?.name ?? String(wrapper.token)}.${method}`;
    if (!wrapper.isDependencyTreeStatic() || wrapper.isTransient || !wrapper.instance) {
      throw new EventSubscriptionError(
        `${origin} subscribes to messaging events but is not a singleton provider`,
      );
    }
    // Read as unknown: the declaration is checked here, not trusted.
    const { subscriber: name, types } = subscription as { subscriber?: unknown; types?: unknown };
    if (typeof name !== 'string' || !SUBSCRIBER_NAME.test(name) || name.length > 100) {
      throw new EventSubscriptionError(
        `${origin} needs a subscriber name like 'bitrix.mirror' (lower case, dotted), got '${String(name)}'`,
      );
    }
    const unknown = (Array.isArray(types) ? (types as unknown[]) : []).filter(
      (type) => !(MESSAGING_EVENT_TYPES as readonly unknown[]).includes(type),
    );
    if (!Array.isArray(types) || types.length === 0 || unknown.length) {
      throw new EventSubscriptionError(
        `${origin} subscribes to ${unknown.length ? `unknown event types ${unknown.join(', ')}` : 'no event types'}; ` +
          `choose from ${MESSAGING_EVENT_TYPES.join(', ')}`,
      );
    }
    const taken = this.subscribers.get(name);
    if (taken) {
      throw new EventSubscriptionError(
        `${origin} and ${taken.origin} both call themselves subscriber '${name}'`,
      );
    }
    const instance = wrapper.instance as Record<string, (event: MessagingEvent) => unknown>;
    this.subscribers.set(name, {
      name,
      types: new Set(types as MessagingEventType[]),
      origin,
      handle: async (event) => {
        await instance[method](event);
      },
    });
  }
}
