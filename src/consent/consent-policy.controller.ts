import { Body, Get, Put } from '@nestjs/common';
import { ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { ApiV2Controller } from '@core/api/api-controller.decorator';
import { ApiProblems } from '@core/api/api-problems.decorator';
import { TenantId } from '@core/auth/auth.decorators';
import { ValidationFailedError } from '@core/errors/domain-error';
import { ConsentPoliciesRepository } from './consent-policies.repository';
import { ConsentPolicy, PurposeDefault, withDefaults } from './consent-policy';
import { ConsentPolicyDto, policyErrors } from './consent-policy.dto';

/** The calling tenant's consent defaults, purposes and keywords. */
@ApiV2Controller('consent/policy', 'consent')
export class ConsentPolicyController {
  constructor(private readonly policies: ConsentPoliciesRepository) {}

  @Get()
  @ApiOperation({ summary: "This tenant's consent policy (the defaults until one is set)" })
  @ApiOkResponse({ type: ConsentPolicyDto })
  get(@TenantId() tenantId: string): Promise<ConsentPolicy> {
    return this.policies.get(tenantId);
  }

  @Put()
  @ApiOperation({
    summary: "Replace this tenant's consent policy",
    description:
      'Fields left out take the defaults. Applies to the next send and the next inbound message.',
  })
  @ApiOkResponse({ type: ConsentPolicyDto })
  @ApiProblems(400)
  put(@TenantId() tenantId: string, @Body() body: ConsentPolicyDto): Promise<ConsentPolicy> {
    const errors = policyErrors(body);
    if (errors.length) throw new ValidationFailedError(errors);
    const { purposes, ...rest } = body;
    return this.policies.put(
      tenantId,
      withDefaults({ ...rest, purposes: purposes as Record<string, PurposeDefault> | undefined }),
    );
  }
}
