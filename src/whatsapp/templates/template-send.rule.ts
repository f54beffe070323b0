import { Injectable } from '@nestjs/common';
import { DomainError, ValidationFailedError } from '@core/errors/domain-error';
import { ChannelAccountsService } from '@app/messaging/channel-accounts/channel-accounts.service';
import {
  OutboundContext,
  OutboundRule,
  OutboundRuleCheck,
} from '@app/messaging/outbound/outbound-rule';
import { validateTemplateSend } from '../meta-cloud/template-parameters';
import { TemplateCatalog } from './template-catalog';
import type { MetaCloudCredentials } from '@app/whatsapp/meta-cloud/meta-cloud.credentials';

/**
 * A template send must name an approved template of the account's WABA and fill its
 * parameters exactly; checked here (400 naming the field, 422 for an unknown template)
 * instead of Meta refusing it with 132000/132001 after it was queued.
 */
@Injectable()
@OutboundRule()
export class TemplateSendRule implements OutboundRuleCheck {
  readonly name = 'whatsapp-template-parameters';

  constructor(
    private readonly accounts: ChannelAccountsService,
    private readonly catalog: TemplateCatalog,
  ) {}

  appliesTo(context: OutboundContext): boolean {
    return (
      context.account.hub === 'whatsapp' &&
      context.account.provider === 'meta-cloud' &&
      context.content.type === 'template'
    );
  }

  async check(context: OutboundContext): Promise<void> {
    if (context.content.type !== 'template') return;
    const { name, language, components } = context.content.template;
    const account = await this.accounts.open<MetaCloudCredentials>(
      context.tenantId,
      context.account.id,
    );
    const template = await this.catalog.find(account, name, language);
    if (!template) {
      throw new DomainError(
        'WHATSAPP.TEMPLATE_NOT_FOUND',
        'unprocessable',
        `No approved template "${name}" in language ${language} for this WhatsApp Business Account`,
      );
    }
    const errors = validateTemplateSend(template, { language, components });
    if (errors.length) throw new ValidationFailedError(errors);
  }
}
