import { Module } from '@nestjs/common';
import { cloudApiGraphClient } from './cloud-api-graph';
import { MetaCloudProvider } from './meta-cloud.provider';
import { MetaMediaClient } from './meta-media.client';
import { MetaNumberOwnership } from './meta-number-ownership';
import { MetaTemplatesClient } from './meta-templates.client';

const transport = [cloudApiGraphClient];
const proofs = [MetaNumberOwnership];
const clients = [MetaCloudProvider, MetaMediaClient, MetaTemplatesClient];

/**
 * Meta's WhatsApp Cloud API, outbound side: the channel provider (found by the ChannelRegistry
 * through @RegisterChannelProvider), media download/upload and the template list. Relies on
 * the global ConfigModule and PlatformHttpModule.
 */
@Module({
  providers: [...transport, ...proofs, ...clients],
  exports: clients,
})
export class MetaCloudModule {}
