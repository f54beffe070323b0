import { Body, Get, Put } from '@nestjs/common';
import { ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { ApiV2Controller } from '@core/api/api-controller.decorator';
import { ApiProblems } from '@core/api/api-problems.decorator';
import { AcceptCredentials, TenantId } from '@core/auth/auth.decorators';
import { AuditTrail } from '@app/audit/audit-trail';
import { RetentionPolicies } from './retention-policies';
import { RetentionPolicyDto, UpdateRetentionPolicyDto } from './retention.dto';

/** How long the tenant's messages and audit rows are kept. */
@ApiV2Controller('privacy/retention', 'privacy')
export class RetentionController {
  constructor(
    private readonly policies: RetentionPolicies,
    private readonly audit: AuditTrail,
  ) {}

  @Get()
  @ApiOperation({ summary: "This tenant's retention days (its own, or the defaults)" })
  @ApiOkResponse({ type: RetentionPolicyDto })
  get(@TenantId() tenantId: string): Promise<RetentionPolicyDto> {
    return this.policies.of(tenantId);
  }

  @Put()
  @AcceptCredentials('api-key')
  @ApiOperation({
    summary: 'Set retention days; null returns to the default',
    description: 'Shortening takes effect at the next hourly run, which deletes what is older.',
  })
  @ApiOkResponse({ type: RetentionPolicyDto })
  @ApiProblems(400)
  async set(
    @TenantId() tenantId: string,
    @Body() body: UpdateRetentionPolicyDto,
  ): Promise<RetentionPolicyDto> {
    const policy = await this.policies.set(tenantId, body);
    await this.audit.record({
      action: 'retention_policy.updated',
      tenantId,
      resource: { type: 'retention_policy', id: tenantId },
    });
    return policy;
  }
}
