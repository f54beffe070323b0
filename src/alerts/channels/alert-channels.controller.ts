import { Body, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { ApiV2Controller } from '@core/api/api-controller.decorator';
import { ApiProblems } from '@core/api/api-problems.decorator';
import { Page, PageQueryDto } from '@core/api/pagination';
import { UuidPipe } from '@core/api/uuid.pipe';
import { TenantId } from '@core/auth/auth.decorators';
import {
  AlertChannelDto,
  AlertChannelPageDto,
  AlertChannelWithSecretDto,
  CreateAlertChannelDto,
  UpdateAlertChannelDto,
} from './alert-channels.dto';
import { AlertChannelsService } from './alert-channels.service';

/**
 * The calling tenant's alert channels: where alerts about its own accounts go (re-auth needed,
 * instance disconnected, token refresh failures). Platform-wide alerts go to the operator's
 * channels from the environment.
 */
@ApiV2Controller('hub/alert-channels', 'hub alerts')
export class AlertChannelsController {
  constructor(private readonly channels: AlertChannelsService) {}

  @Post()
  @ApiOperation({
    summary: 'Add a Slack, Discord or signed webhook channel for this tenant’s alerts',
    description:
      'A webhook channel’s answer carries its signing secret, once: deliveries have ' +
      'Omnihub-Alert-Id, Omnihub-Alert-Timestamp and Omnihub-Alert-Signature (`v1=` hex ' +
      'HMAC-SHA256 of `<timestamp>.<body>`), the tenant-webhook recipe.',
  })
  @ApiCreatedResponse({ type: AlertChannelWithSecretDto })
  @ApiProblems(400)
  create(
    @TenantId() tenantId: string,
    @Body() body: CreateAlertChannelDto,
  ): Promise<AlertChannelWithSecretDto> {
    return this.channels.create(tenantId, body);
  }

  @Get()
  @ApiOkResponse({ type: AlertChannelPageDto })
  @ApiProblems(400)
  list(@TenantId() tenantId: string, @Query() query: PageQueryDto): Promise<Page<AlertChannelDto>> {
    return this.channels.list(tenantId, query.limit, query.cursor);
  }

  @Get(':id')
  @ApiOkResponse({ type: AlertChannelDto })
  @ApiProblems(400, 404)
  get(@TenantId() tenantId: string, @Param('id', UuidPipe) id: string): Promise<AlertChannelDto> {
    return this.channels.get(tenantId, id);
  }

  @Patch(':id')
  @ApiOkResponse({ type: AlertChannelWithSecretDto })
  @ApiProblems(400, 404)
  update(
    @TenantId() tenantId: string,
    @Param('id', UuidPipe) id: string,
    @Body() body: UpdateAlertChannelDto,
  ): Promise<AlertChannelWithSecretDto> {
    return this.channels.update(tenantId, id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiProblems(400, 404)
  delete(@TenantId() tenantId: string, @Param('id', UuidPipe) id: string): Promise<void> {
    return this.channels.delete(tenantId, id);
  }
}
