import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { TenantDirectory } from '@core/auth/tenant-directory';
import { ApiKeyReuse } from './api-key-reuse';
import { ApiKeysController } from './api-keys.controller';
import { ApiKeysService } from './api-keys.service';
import { ApiKeyEntity } from './entities/api-key.entity';
import { TenantEntity } from './entities/tenant.entity';
import { TenantAuthDirectory } from './tenant-auth.directory';
import { TenantProfileController } from './tenant-profile.controller';
import { TenantsController } from './tenants.controller';
import { TenantsService } from './tenants.service';

const httpControllers = [TenantsController, ApiKeysController, TenantProfileController];
const services = [TenantsService, ApiKeysService, ApiKeyReuse];
const authentication = [{ provide: TenantDirectory, useClass: TenantAuthDirectory }];

@Module({
  imports: [TypeOrmModule.forFeature([TenantEntity, ApiKeyEntity])],
  controllers: httpControllers,
  providers: [...services, ...authentication],
  exports: [TenantsService, TenantDirectory],
})
export class TenantsModule {}
