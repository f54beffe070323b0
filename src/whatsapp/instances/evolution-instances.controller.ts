import { Body, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { ApiV2Controller } from '@core/api/api-controller.decorator';
import { ApiProblems } from '@core/api/api-problems.decorator';
import { TenantId } from '@core/auth/auth.decorators';
import { EvolutionInstanceProvisioner } from './evolution-instance.provisioner';
import { EvolutionInstancesService } from './evolution-instances.service';
import {
  ConnectInstanceDto,
  ConnectedInstanceDto,
  InstanceSummaryDto,
  QrCodeDto,
  RecoveryResultDto,
} from './instances.dto';

/** The Evolution (QR-paired) instance routes the frontend already uses, kept exactly. */
@ApiV2Controller('whatsapp', 'whatsapp')
export class EvolutionInstancesController {
  constructor(
    private readonly provisioner: EvolutionInstanceProvisioner,
    private readonly instances: EvolutionInstancesService,
  ) {}

  @Post('connect')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Create (first time) or reconnect an Evolution instance; returns the QR / pairing code',
  })
  @ApiOkResponse({ type: ConnectedInstanceDto })
  @ApiProblems(400, 409, 422, 503)
  connect(
    @TenantId() tenantId: string,
    @Body() body: ConnectInstanceDto,
  ): Promise<ConnectedInstanceDto> {
    return this.provisioner.connect(tenantId, body);
  }

  @Get('instances')
  @ApiOperation({ summary: "The tenant's Evolution instances with their session state" })
  @ApiOkResponse({ type: InstanceSummaryDto, isArray: true })
  async list(@TenantId() tenantId: string): Promise<{ items: InstanceSummaryDto[] }> {
    return { items: await this.instances.list(tenantId) };
  }

  @Get('instances/:instanceId/qr')
  @ApiOperation({ summary: 'The latest QR / pairing code, until the instance connects' })
  @ApiOkResponse({ type: QrCodeDto })
  @ApiProblems(404, 409)
  qr(@TenantId() tenantId: string, @Param('instanceId') instanceId: string): Promise<QrCodeDto> {
    return this.instances.qr(tenantId, instanceId);
  }

  @Post('instances/:instanceId/logout')
  @HttpCode(200)
  @ApiOperation({ summary: 'End the WhatsApp session (a new QR scan is needed to send again)' })
  @ApiOkResponse({ type: InstanceSummaryDto })
  @ApiProblems(404, 409)
  logout(
    @TenantId() tenantId: string,
    @Param('instanceId') instanceId: string,
  ): Promise<InstanceSummaryDto> {
    return this.instances.logout(tenantId, instanceId);
  }

  @Delete('instances/:instanceId')
  @ApiOperation({ summary: 'Delete the instance on Evolution; the account is kept, disabled' })
  @ApiOkResponse({ type: InstanceSummaryDto })
  @ApiProblems(404, 409)
  delete(
    @TenantId() tenantId: string,
    @Param('instanceId') instanceId: string,
  ): Promise<InstanceSummaryDto> {
    return this.instances.delete(tenantId, instanceId);
  }

  @Post('recovery')
  @HttpCode(200)
  @ApiOperation({ summary: "Reconnect the tenant's Evolution instances that dropped" })
  @ApiOkResponse({ type: RecoveryResultDto, isArray: true })
  async recovery(@TenantId() tenantId: string): Promise<{ results: RecoveryResultDto[] }> {
    return { results: await this.instances.recover(tenantId) };
  }
}
