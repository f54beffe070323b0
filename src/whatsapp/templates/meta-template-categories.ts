import { Injectable } from '@nestjs/common';
import type { ChannelAccountRef } from '@core/channel/channel-account';
import { ChannelAccountsService } from '@app/messaging/channel-accounts/channel-accounts.service';
import {
  TemplateCategoryLookup,
  TemplateCategorySource,
} from '@app/messaging/outbound/send-purpose';
import type { MetaCloudCredentials } from '../meta-cloud/meta-cloud.credentials';
import { TemplateCatalog } from './template-catalog';

/**
 * The category Meta gave a Cloud API template (MARKETING, UTILITY, AUTHENTICATION), read from
 * the cached catalog the template rule already consults, so a send's purpose follows what
 * Meta itself approved the template as.
 */
@Injectable()
@TemplateCategorySource()
export class MetaTemplateCategories implements TemplateCategoryLookup {
  constructor(
    private readonly accounts: ChannelAccountsService,
    private readonly catalog: TemplateCatalog,
  ) {}

  appliesTo(account: Pick<ChannelAccountRef, 'hub' | 'provider'>): boolean {
    return account.hub === 'whatsapp' && account.provider === 'meta-cloud';
  }

  async categoryOf(
    tenantId: string,
    accountId: string,
    template: { name: string; language: string },
  ): Promise<string | undefined> {
    const account = await this.accounts.open<MetaCloudCredentials>(tenantId, accountId);
    const found = await this.catalog.find(account, template.name, template.language);
    return found?.category || undefined;
  }
}
