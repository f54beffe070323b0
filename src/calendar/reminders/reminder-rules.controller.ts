import { Body, Delete, Get, HttpCode, Param, Post, Put } from '@nestjs/common';
import { ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { ApiV2Controller } from '@core/api/api-controller.decorator';
import { ApiProblems } from '@core/api/api-problems.decorator';
import { UuidPipe } from '@core/api/uuid.pipe';
import { TenantId } from '@core/auth/auth.decorators';
import type { ReminderRule } from './reminder-rule';
import { ReminderRuleDto, ReminderRuleViewDto } from './reminder-rules.dto';
import { ReminderRulesService } from './reminder-rules.service';

/** The tenant's appointment reminder rules (WhatsApp template, offset, reply texts). */
@ApiV2Controller('calendar/reminder-rules', 'calendar')
export class ReminderRulesController {
  constructor(private readonly rules: ReminderRulesService) {}

  @Get()
  @ApiOperation({ summary: "List the tenant's reminder rules" })
  @ApiOkResponse({ type: ReminderRuleViewDto, isArray: true })
  list(@TenantId() tenantId: string): Promise<ReminderRule[]> {
    return this.rules.list(tenantId);
  }

  @Post()
  @ApiOperation({
    summary: 'Add a reminder rule',
    description:
      'Applies to appointments booked or changed from now on. 422 ' +
      'CALENDAR.REMINDER_ACCOUNT_NOT_WHATSAPP when the account is not a WhatsApp one.',
  })
  @ApiProblems(400, 404, 422)
  create(@TenantId() tenantId: string, @Body() body: ReminderRuleDto): Promise<ReminderRule> {
    return this.rules.create(tenantId, body);
  }

  @Get(':ruleId')
  @ApiOperation({ summary: 'One reminder rule' })
  @ApiProblems(400, 404)
  get(
    @TenantId() tenantId: string,
    @Param('ruleId', UuidPipe) ruleId: string,
  ): Promise<ReminderRule> {
    return this.rules.get(tenantId, ruleId);
  }

  @Put(':ruleId')
  @ApiOperation({
    summary: 'Replace a reminder rule',
    description: 'Unsent reminders of the rule move to the new offset.',
  })
  @ApiProblems(400, 404, 422)
  replace(
    @TenantId() tenantId: string,
    @Param('ruleId', UuidPipe) ruleId: string,
    @Body() body: ReminderRuleDto,
  ): Promise<ReminderRule> {
    return this.rules.replace(tenantId, ruleId, body);
  }

  @Delete(':ruleId')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a reminder rule and its unsent reminders' })
  @ApiProblems(400, 404)
  async delete(
    @TenantId() tenantId: string,
    @Param('ruleId', UuidPipe) ruleId: string,
  ): Promise<void> {
    await this.rules.delete(tenantId, ruleId);
  }
}
