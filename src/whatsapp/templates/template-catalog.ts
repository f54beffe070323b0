import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import { AppConfig } from '@config/app-config';
import { REDIS } from '@core/redis/redis.module';
import type { MetaCloudAccount } from '../meta-cloud/meta-cloud.credentials';
import type { MetaTemplate } from '../meta-cloud/meta-template';
import { MetaTemplatesClient } from '../meta-cloud/meta-templates.client';

/**
 * A WABA's approved templates, cached in Redis (shared by every pod) for
 * WHATSAPP_TEMPLATE_CACHE_SECONDS: template sends are validated against it before they are
 * queued, and the frontend lists it, without a Graph call each time. A template approved a
 * minute ago appears after the cache expires, or at once with `refresh`.
 */
@Injectable()
export class TemplateCatalog {
  constructor(
    private readonly client: MetaTemplatesClient,
    private readonly config: AppConfig,
    @Inject(REDIS) private readonly redis: Redis,
  ) {}

  async list(account: MetaCloudAccount, refresh = false): Promise<MetaTemplate[]> {
    const key = `${this.config.redis.prefix}:wa:templates:${account.id}`;
    if (!refresh) {
      const cached = await this.redis.get(key).catch(() => null);
      if (cached) return JSON.parse(cached) as MetaTemplate[];
    }
    const templates = await this.client.listApproved(account);
    await this.redis
      .set(key, JSON.stringify(templates), 'EX', this.config.whatsapp.templateCacheSeconds)
      .catch(() => undefined); // a cold cache only costs a Graph call next time
    return templates;
  }

  async find(
    account: MetaCloudAccount,
    name: string,
    language: string,
  ): Promise<MetaTemplate | undefined> {
    const templates = await this.list(account);
    return templates.find((template) => template.name === name && template.language === language);
  }
}
