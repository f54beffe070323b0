import { Injectable, OnModuleInit } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import type { InstanceWrapper } from '@nestjs/core/injector/instance-wrapper';
import { OwnershipProvingProvider, provesOwnership } from './account-ownership';
import { OwnershipProofUnsupportedError } from './account-ownership.errors';
import {
  ChannelProviderCannotSendError,
  ChannelProviderNotFoundError,
  ChannelRegistrationError,
} from './channel-errors';
import { ChannelProvider, MessagingProvider, isMessagingProvider } from './channel-provider';
import { HubName, isHubName } from './hub-name';
import { MediaSourceProvider, servesMedia } from './media-source';
import { IdentityKind, PHONE_IDENTITY } from './messaging-rules';
import { RegisterChannelProvider } from './register-channel-provider.decorator';

/**
 * Every provider marked with `@RegisterChannelProvider()`, found once at boot and looked up by
 * hub + provider afterwards. Wiring mistakes (a duplicate pair, a marked class that is not a
 * provider, a request-scoped provider) fail the boot with the classes named.
 */
@Injectable()
export class ChannelRegistry implements OnModuleInit {
  // One array for the registry's lifetime: CHANNEL_PROVIDERS hands out this very reference,
  // so whoever injected the token sees the providers once onModuleInit has run.
  private readonly providers: ChannelProvider[] = [];
  private readonly byKey = new Map<string, { provider: ChannelProvider; origin: string }>();
  private readonly kinds = new Set<IdentityKind>([PHONE_IDENTITY]);

  constructor(private readonly discovery: DiscoveryService) {}

  onModuleInit(): void {
    const wrappers = this.discovery.getProviders({ metadataKey: RegisterChannelProvider.KEY });
    for (const wrapper of wrappers) this.add(wrapper);
  }

  list(): readonly ChannelProvider[] {
    return this.providers;
  }

  resolve(hub: HubName, provider: string): ChannelProvider {
    const entry = this.byKey.get(keyOf(hub, provider));
    if (!entry) throw new ChannelProviderNotFoundError(hub, provider);
    return entry.provider;
  }

  messaging(hub: HubName, provider: string): MessagingProvider {
    const found = this.resolve(hub, provider);
    if (!isMessagingProvider(found)) throw new ChannelProviderCannotSendError(hub, provider);
    return found;
  }

  /**
   * Whether some registered provider declares this contact identity kind (or it is the phone
   * number every platform shares): contacts are stored under declared kinds only.
   */
  isIdentityKind(kind: string): boolean {
    return this.kinds.has(kind);
  }

  /** The provider that fetches this kind of account's received media; null when it cannot. */
  mediaSource(hub: HubName, provider: string): MediaSourceProvider | null {
    const found = this.byKey.get(keyOf(hub, provider))?.provider;
    return found && servesMedia(found) ? found : null;
  }

  /** The provider that proves a claimed account of this kind; none means it cannot connect. */
  ownershipProver(hub: HubName, provider: string): OwnershipProvingProvider {
    const found = this.resolve(hub, provider);
    if (!provesOwnership(found)) throw new OwnershipProofUnsupportedError(hub, provider);
    return found;
  }

  private add(wrapper: InstanceWrapper): void {
    const origin = `${wrapper.metatype?.name ?? String(wrapper.token)} (${wrapper.host?.name ?? 'unknown module'})`;
    if (!wrapper.isDependencyTreeStatic() || wrapper.isTransient) {
      throw new ChannelRegistrationError(
        `Channel provider ${origin} must be a singleton: providers are shared and stateless`,
      );
    }
    const instance = wrapper.instance as Partial<ChannelProvider> | undefined;
    if (
      !instance ||
      !isHubName(instance.hub) ||
      typeof instance.provider !== 'string' ||
      instance.provider.length === 0 ||
      typeof instance.credentials?.parse !== 'function' ||
      typeof instance.checkHealth !== 'function'
    ) {
      throw new ChannelRegistrationError(
        `${origin} is marked @RegisterChannelProvider() but is not a ChannelProvider ` +
          '(needs a hub name, a provider name, credentials.parse() and checkHealth())',
      );
    }
    const provider = instance as ChannelProvider;
    const sends = typeof (instance as Partial<MessagingProvider>).send === 'function';
    if (sends && !isMessagingProvider(provider)) {
      throw new ChannelRegistrationError(
        `${origin} sends but is not a MessagingProvider ` +
          '(needs capabilities and rules: identityKinds, recipientIdentities(), ' +
          'contentViolations(), fallbackClassOf())',
      );
    }
    const key = keyOf(provider.hub, provider.provider);
    const existing = this.byKey.get(key);
    if (existing) {
      throw new ChannelRegistrationError(
        `Two channel providers claim ${key}: ${existing.origin} and ${origin}`,
      );
    }
    this.byKey.set(key, { provider, origin });
    this.providers.push(provider);
    if (isMessagingProvider(provider)) {
      for (const kind of provider.rules.identityKinds) this.kinds.add(kind);
    }
  }
}

function keyOf(hub: string, provider: string): string {
  return `${hub}/${provider}`;
}
