import { Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { ApiV2Controller } from '@core/api/api-controller.decorator';
import { TenantId } from '@core/auth/auth.decorators';
import { TenantDto } from './dto/tenant.dto';
import { TenantsService } from './tenants.service';

@ApiV2Controller('tenant', 'tenant')
export class TenantProfileController {
  constructor(private readonly tenants: TenantsService) {}

  @Get()
  @ApiOperation({ summary: 'The calling tenant' })
  @ApiOkResponse({ type: TenantDto })
  me(@TenantId() tenantId: string): Promise<TenantDto> {
    return this.tenants.get(tenantId);
  }
}
