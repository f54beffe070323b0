import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, Repository } from 'typeorm';
import type { Page } from '@core/api/pagination';
import { pageById } from '@core/database/page-by-id';
import { newId } from '@core/database/ids';
import { NotFoundError } from '@core/errors/domain-error';
import { generateApiKey, hashApiKey, looksLikeApiKey } from './api-key-format';
import { ApiKeyDto, CreatedApiKeyDto } from './dto/api-key.dto';
import { ApiKeyEntity } from './entities/api-key.entity';

/** `last_used_at` is informative; writing it at most once a minute keeps auth read-only. */
const LAST_USED_RESOLUTION = '1 minute';

@Injectable()
export class ApiKeysService {
  constructor(@InjectRepository(ApiKeyEntity) private readonly keys: Repository<ApiKeyEntity>) {}

  async create(
    tenantId: string,
    name: string,
    manager = this.keys.manager,
  ): Promise<CreatedApiKeyDto> {
    const generated = generateApiKey();
    const entity = manager.create(ApiKeyEntity, {
      id: newId(),
      tenantId,
      name,
      prefix: generated.prefix,
      keyHash: generated.hash,
      lastUsedAt: null,
      revokedAt: null,
    });
    const saved = await manager.save(entity);
    return { ...ApiKeyDto.from(saved), key: generated.key };
  }

  async list(tenantId: string, limit: number, cursor?: string): Promise<Page<ApiKeyDto>> {
    return pageById(this.keys, { tenantId }, { limit, cursor }, (row) => ApiKeyDto.from(row));
  }

  /** Revokes a key of this tenant. Revoking twice is fine; another tenant's key is not found. */
  async revoke(tenantId: string, id: string): Promise<void> {
    const key = await this.keys.findOneBy({ id, tenantId });
    if (!key) throw new NotFoundError('API key');
    if (!key.revokedAt)
      await this.keys.update({ id, tenantId, revokedAt: IsNull() }, { revokedAt: new Date() });
  }

  /** The tenant behind a presented key, if the key is live and its tenant active. */
  async resolve(rawKey: string): Promise<{ tenantId: string; apiKeyId: string } | null> {
    if (!looksLikeApiKey(rawKey)) return null;
    const row = await this.keys
      .createQueryBuilder('key')
      .innerJoin('tenants', 'tenant', 'tenant.id = key.tenant_id')
      .select(['key.id AS "apiKeyId"', 'key.tenant_id AS "tenantId"'])
      .where('key.key_hash = :hash', { hash: hashApiKey(rawKey) })
      .andWhere('key.revoked_at IS NULL')
      .andWhere("tenant.status = 'active'")
      .getRawOne<{ apiKeyId: string; tenantId: string }>();
    if (!row) return null;
    void this.touch(row.apiKeyId);
    return row;
  }

  private async touch(id: string): Promise<void> {
    await this.keys
      .createQueryBuilder()
      .update()
      .set({ lastUsedAt: () => 'now()' })
      .where('id = :id', { id })
      .andWhere(
        `(last_used_at IS NULL OR last_used_at < now() - interval '${LAST_USED_RESOLUTION}')`,
      )
      .execute()
      .catch(() => undefined); // best effort: never fail a request over a usage timestamp
  }
}
