import { Injectable } from '@nestjs/common';
import { TenantDirectory } from '@core/auth/tenant-directory';
import { ApiKeysService } from './api-keys.service';
import { TenantsService } from './tenants.service';

/** What AuthGuard asks of tenants, answered from the tenants and api_keys tables. */
@Injectable()
export class TenantAuthDirectory implements TenantDirectory {
  constructor(
    private readonly apiKeys: ApiKeysService,
    private readonly tenants: TenantsService,
  ) {}

  resolveApiKey(rawKey: string): Promise<{ tenantId: string; apiKeyId: string } | null> {
    return this.apiKeys.resolve(rawKey);
  }

  isActiveTenant(tenantId: string): Promise<boolean> {
    return this.tenants.isActive(tenantId);
  }
}
