import { Global, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { CHANNEL_PROVIDERS } from './channel-provider';
import { ChannelRegistry } from './channel.registry';

/**
 * The provider registry. Why a class decorator found by DiscoveryService rather than the
 * alternatives:
 * - Nest has no multi-providers, so "several modules contribute to one token" needs either
 *   discovery or a central list; a central list would make core know every platform module.
 * - `ChannelModule.forFeature([Provider])` would declare the provider in a module of ours, away
 *   from its platform module's private services (token stores, mappers), forcing the platform
 *   to export them; with the decorator a provider is an ordinary provider of its own module.
 *
 * Global, so its onModuleInit runs before any feature module's hooks (Nest orders hooks by
 * module distance and puts global modules first): the list is complete by the time anyone else
 * initializes.
 */
@Global()
@Module({
  imports: [DiscoveryModule],
  providers: [
    ChannelRegistry,
    {
      provide: CHANNEL_PROVIDERS,
      inject: [ChannelRegistry],
      useFactory: (registry: ChannelRegistry) => registry.list(),
    },
  ],
  exports: [ChannelRegistry, CHANNEL_PROVIDERS],
})
export class ChannelModule {}
