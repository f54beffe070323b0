import type { DataSourceOptions } from 'typeorm';
import { MIGRATIONS } from '@migrations/index';
import { DatabaseSettings, postgresOptions } from '@core/database/postgres-options';
import { InboundEventEntity } from '@core/inbox/entities/inbound-event.entity';
import { ApiKeyEntity } from '@app/tenants/entities/api-key.entity';
import { TenantEntity } from '@app/tenants/entities/tenant.entity';

/**
 * Every entity, listed once for the tools that run outside Nest (TypeORM CLI, prepare-database,
 * test setup). The app itself registers entities per module with TypeOrmModule.forFeature.
 */
export const ENTITIES = [TenantEntity, ApiKeyEntity, InboundEventEntity];

export function dataSourceOptions(database: DatabaseSettings): DataSourceOptions {
  return { ...postgresOptions(database), entities: ENTITIES, migrations: MIGRATIONS };
}
