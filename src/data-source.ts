import type { DataSourceOptions } from 'typeorm';
import { MIGRATIONS } from '@migrations/index';
import { DatabaseSettings, postgresOptions } from '@core/database/postgres-options';
import { InboundEventEntity } from '@core/inbox/entities/inbound-event.entity';
import { ChannelAccountEntity } from '@app/messaging/entities/channel-account.entity';
import { ContactIdentityEntity } from '@app/messaging/entities/contact-identity.entity';
import { ContactEntity } from '@app/messaging/entities/contact.entity';
import { ConversationEntity } from '@app/messaging/entities/conversation.entity';
import { MessageEntity } from '@app/messaging/entities/message.entity';
import { ApiKeyEntity } from '@app/tenants/entities/api-key.entity';
import { TenantEntity } from '@app/tenants/entities/tenant.entity';

/**
 * Every entity, listed once for the tools that run outside Nest (TypeORM CLI, prepare-database,
 * test setup). The app itself registers entities per module with TypeOrmModule.forFeature.
 */
export const ENTITIES = [
  TenantEntity,
  ApiKeyEntity,
  InboundEventEntity,
  ChannelAccountEntity,
  ContactEntity,
  ContactIdentityEntity,
  ConversationEntity,
  MessageEntity,
];

export function dataSourceOptions(database: DatabaseSettings): DataSourceOptions {
  return {
    ...postgresOptions(database),
    entities: ENTITIES,
    migrations: MIGRATIONS,
    // Each migration in its own transaction, as prepare-database runs them: two run outside
    // one (an index built CONCURRENTLY, a backfill in batches), which the CLI's default
    // ("all") refuses, so `npm run migration:run` failed before applying anything.
    migrationsTransactionMode: 'each',
  };
}
