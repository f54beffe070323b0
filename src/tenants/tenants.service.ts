import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, Repository } from 'typeorm';
import type { Page } from '@core/api/pagination';
import { pageById } from '@core/database/page-by-id';
import { newId } from '@core/database/ids';
import { isUniqueViolation } from '@core/database/pg-errors';
import { ConflictError, NotFoundError } from '@core/errors/domain-error';
import { AuditTrail } from '@app/audit/audit-trail';
import { ApiKeyReuse } from './api-key-reuse';
import { ApiKeysService } from './api-keys.service';
import { CreateTenantDto, CreatedTenantDto, TenantDto, UpdateTenantDto } from './dto/tenant.dto';
import { TenantEntity } from './entities/tenant.entity';
import { isUUID } from 'class-validator';

@Injectable()
export class TenantsService {
  constructor(
    @InjectRepository(TenantEntity) private readonly tenants: Repository<TenantEntity>,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly apiKeys: ApiKeysService,
    private readonly keyReuse: ApiKeyReuse,
    private readonly audit: AuditTrail,
  ) {}

  /** Creates the tenant and its first API key in one transaction: both exist, or neither. */
  async create(input: CreateTenantDto): Promise<CreatedTenantDto> {
    const slug = input.slug ?? slugify(input.name);
    try {
      return await this.dataSource.transaction(async (manager) => {
        const tenant = await manager.save(
          manager.create(TenantEntity, { id: newId(), name: input.name, slug, status: 'active' }),
        );
        await this.audit.record(
          {
            action: 'tenant.created',
            tenantId: tenant.id,
            resource: { type: 'tenant', id: tenant.id },
          },
          manager,
        );
        const apiKey = await this.apiKeys.create(tenant.id, 'initial', manager);
        return { tenant: TenantDto.from(tenant), apiKey };
      });
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw new ConflictError('TENANT.SLUG_TAKEN', `A tenant with slug "${slug}" already exists`);
      }
      throw error;
    }
  }

  async list(limit: number, cursor?: string): Promise<Page<TenantDto>> {
    return pageById(this.tenants, {}, { limit, cursor }, (row) => TenantDto.from(row));
  }

  async get(id: string): Promise<TenantDto> {
    return TenantDto.from(await this.find(id));
  }

  async update(id: string, changes: UpdateTenantDto): Promise<TenantDto> {
    const { updated, suspending } = await this.dataSource.transaction(async (tx) => {
      const tenant = await this.find(id);
      const suspending = changes.status !== undefined && changes.status !== tenant.status;
      Object.assign(tenant, changes);
      const saved = await tx.save(tenant);
      const action = suspending
        ? `tenant.${saved.status === 'active' ? 'reactivated' : 'suspended'}`
        : 'tenant.updated';
      await this.audit.record({ action, tenantId: id, resource: { type: 'tenant', id } }, tx);
      return { updated: TenantDto.from(saved), suspending };
    });
    // A suspended tenant's keys stop letting it in everywhere, not once their reuse ends.
    if (suspending) await this.keyReuse.changed();
    return updated;
  }

  async isActive(id: string): Promise<boolean> {
    if (!isUUID(id)) return false;
    return this.tenants.existsBy({ id, status: 'active' });
  }

  private async find(id: string): Promise<TenantEntity> {
    const tenant = isUUID(id) ? await this.tenants.findOneBy({ id }) : null;
    if (!tenant) throw new NotFoundError('Tenant');
    return tenant;
  }
}

function slugify(name: string): string {
  const slug = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 64)
    .replace(/-+$/g, '');
  return slug || `tenant-${newId().slice(-12)}`;
}
