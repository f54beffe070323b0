import { Injectable } from '@nestjs/common';
import { DomainError, NotFoundError } from '@core/errors/domain-error';
import { ChannelAccountsService } from '@app/messaging/channel-accounts/channel-accounts.service';
import type { ReminderRule } from './reminder-rule';
import type { ReminderRuleDto } from './reminder-rules.dto';
import { ReminderRulesRepository } from './reminder-rules.repository';

/** A tenant's reminder rules; the sending account must be one of its WhatsApp accounts. */
@Injectable()
export class ReminderRulesService {
  constructor(
    private readonly rules: ReminderRulesRepository,
    private readonly accounts: ChannelAccountsService,
  ) {}

  list(tenantId: string): Promise<ReminderRule[]> {
    return this.rules.list(tenantId);
  }

  async get(tenantId: string, id: string): Promise<ReminderRule> {
    const rule = await this.rules.get(tenantId, id);
    if (!rule) throw new NotFoundError('Reminder rule', 'CALENDAR.REMINDER_RULE_NOT_FOUND');
    return rule;
  }

  async create(tenantId: string, body: ReminderRuleDto): Promise<ReminderRule> {
    return this.rules.create(tenantId, await this.checked(tenantId, body));
  }

  async replace(tenantId: string, id: string, body: ReminderRuleDto): Promise<ReminderRule> {
    const rule = await this.rules.replace(tenantId, id, await this.checked(tenantId, body));
    if (!rule) throw new NotFoundError('Reminder rule', 'CALENDAR.REMINDER_RULE_NOT_FOUND');
    return rule;
  }

  async delete(tenantId: string, id: string): Promise<void> {
    if (!(await this.rules.delete(tenantId, id))) {
      throw new NotFoundError('Reminder rule', 'CALENDAR.REMINDER_RULE_NOT_FOUND');
    }
  }

  private async checked(tenantId: string, body: ReminderRuleDto) {
    const account = await this.accounts.get(tenantId, body.channelAccountId);
    if (account.hub !== 'whatsapp') {
      throw new DomainError(
        'CALENDAR.REMINDER_ACCOUNT_NOT_WHATSAPP',
        'unprocessable',
        'Reminders are sent as WhatsApp templates: choose a WhatsApp channel account',
      );
    }
    return {
      name: body.name,
      offsetMinutes: body.offsetMinutes,
      channelAccountId: account.id,
      template: { name: body.template.name, language: body.template.language },
      bodyParameters: body.bodyParameters,
      buttons: body.buttons,
      confirmationTexts: {
        confirm: body.confirmationTexts.confirm,
        reschedule: body.confirmationTexts.reschedule,
        cancel: body.confirmationTexts.cancel,
      },
      enabled: body.enabled ?? true,
    };
  }
}
