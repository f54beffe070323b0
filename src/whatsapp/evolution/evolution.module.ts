import { Module } from '@nestjs/common';
import { EvolutionApiClient } from './evolution-api.client';
import { EvolutionInstancesClient } from './evolution-instances.client';
import { EvolutionProvider } from './evolution.provider';

const transport = [EvolutionApiClient];
const clients = [EvolutionProvider, EvolutionInstancesClient];

/**
 * Evolution API v2, outbound side: the channel provider (found by the ChannelRegistry through
 * @RegisterChannelProvider) and the instance lifecycle client. Relies on the global
 * ConfigModule and PlatformHttpModule.
 */
@Module({
  providers: [...transport, ...clients],
  exports: clients,
})
export class EvolutionModule {}
