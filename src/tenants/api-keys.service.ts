import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, IsNull, Repository } from 'typeorm';
import type { Page } from '@core/api/pagination';
import { pageById } from '@core/database/page-by-id';
import { newId } from '@core/database/ids';
import { NotFoundError } from '@core/errors/domain-error';
import { AuditTrail } from '@app/audit/audit-trail';
import { generateApiKey, hashApiKey, looksLikeApiKey } from '@core/auth/api-key-format';
import { ApiKeyReuse, ResolvedApiKey } from './api-key-reuse';
import { ApiKeyDto, CreatedApiKeyDto } from './dto/api-key.dto';
import { ApiKeyEntity } from './entities/api-key.entity';

/** `last_used_at` is informative; writing it at most once a minute keeps auth read-only. */
const LAST_USED_RESOLUTION = '1 minute';
const TOUCH_EVERY_MS = 60_000;
/** Keys remembered as recently touched; forgetting them all only costs one UPDATE each. */
const MAX_TOUCH_MEMORY = 10_000;

@Injectable()
export class ApiKeysService {
  private readonly touchedAt = new Map<string, number>();

  constructor(
    @InjectRepository(ApiKeyEntity) private readonly keys: Repository<ApiKeyEntity>,
    private readonly audit: AuditTrail,
    private readonly reuse: ApiKeyReuse,
  ) {}

  /** Creates and audits the key in one transaction (the caller's, when it passes one). */
  async create(tenantId: string, name: string, manager?: EntityManager): Promise<CreatedApiKeyDto> {
    if (!manager) return this.keys.manager.transaction((tx) => this.create(tenantId, name, tx));
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
    await this.audit.record(
      { action: 'api_key.created', tenantId, resource: { type: 'api_key', id: saved.id } },
      manager,
    );
    return { ...ApiKeyDto.from(saved), key: generated.key };
  }

  async list(tenantId: string, limit: number, cursor?: string): Promise<Page<ApiKeyDto>> {
    return pageById(this.keys, { tenantId }, { limit, cursor }, (row) => ApiKeyDto.from(row));
  }

  /** Revokes a key of this tenant. Revoking twice is fine; another tenant's key is not found. */
  async revoke(tenantId: string, id: string): Promise<void> {
    const key = await this.keys.findOneBy({ id, tenantId });
    if (!key) throw new NotFoundError('API key');
    if (key.revokedAt) return;
    await this.keys.manager.transaction(async (tx) => {
      const { affected } = await tx.update(
        ApiKeyEntity,
        { id, tenantId, revokedAt: IsNull() },
        { revokedAt: new Date() },
      );
      if (affected)
        await this.audit.record(
          { action: 'api_key.revoked', tenantId, resource: { type: 'api_key', id } },
          tx,
        );
    });
    await this.reuse.changed();
  }

  /** The tenant behind a presented key, if the key is live and its tenant active. */
  async resolve(rawKey: string): Promise<ResolvedApiKey | null> {
    if (!looksLikeApiKey(rawKey)) return null;
    const keyHash = hashApiKey(rawKey);
    const key = await this.reuse.resolve(keyHash.toString('base64'), () => this.read(keyHash));
    if (key) this.touch(key.apiKeyId);
    return key;
  }

  private async read(keyHash: Buffer): Promise<ResolvedApiKey | null> {
    // Plain SQL: this runs on every API request the reuse does not answer, and building it
    // with the QueryBuilder cost more CPU than PostgreSQL spends answering it.
    const rows: ResolvedApiKey[] = await this.keys.query(
      `SELECT key.id AS "apiKeyId", key.tenant_id AS "tenantId"
         FROM api_keys key JOIN tenants tenant ON tenant.id = key.tenant_id
        WHERE key.key_hash = $1 AND key.revoked_at IS NULL AND tenant.status = 'active'`,
      [keyHash],
    );
    return rows[0] ?? null;
  }

  /**
   * Records use at most once per TOUCH_EVERY_MS per key and process: last_used_at only has
   * LAST_USED_RESOLUTION, and an UPDATE per request was a third of an API call's commits.
   */
  private touch(id: string): void {
    const now = Date.now();
    if (now - (this.touchedAt.get(id) ?? 0) < TOUCH_EVERY_MS) return;
    if (this.touchedAt.size >= MAX_TOUCH_MEMORY) this.touchedAt.clear();
    this.touchedAt.set(id, now);
    void this.keys
      .createQueryBuilder()
      .update()
      .set({ lastUsedAt: () => 'now()' })
      .where('id = :id', { id })
      .andWhere(
        `(last_used_at IS NULL OR last_used_at < now() - interval '${LAST_USED_RESOLUTION}')`,
      )
      .execute()
      .catch(() => this.touchedAt.delete(id)); // best effort: never fail a request over it
  }
}
