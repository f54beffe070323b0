import { Get, Param, Query } from '@nestjs/common';
import {
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiProperty,
  ApiPropertyOptional,
} from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { ApiV2Controller } from '@core/api/api-controller.decorator';
import { ApiProblems } from '@core/api/api-problems.decorator';
import { Page, PageInfoDoc, PageQueryDto } from '@core/api/pagination';
import { TenantId } from '@core/auth/auth.decorators';
import { HUB_NAMES, HubName } from '@core/channel/hub-name';
import { decodeIdCursor } from '@app/messaging/history/history-cursor';
import { ChannelAccountDto } from './channel-account.view';
import { ChannelAccountsService } from './channel-accounts.service';

export class ChannelAccountListQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: HUB_NAMES, example: 'whatsapp' })
  @IsOptional()
  @IsIn(HUB_NAMES)
  hub?: HubName;
}

export class ChannelAccountPageDto extends PageInfoDoc {
  @ApiProperty({ type: [ChannelAccountDto] })
  items!: ChannelAccountDto[];
}

/** The calling tenant's channel accounts (never their credentials). */
@ApiV2Controller('channel-accounts', 'channel accounts')
export class ChannelAccountsController {
  constructor(private readonly accounts: ChannelAccountsService) {}

  @Get()
  @ApiOperation({ summary: "List this tenant's channel accounts, oldest first" })
  @ApiOkResponse({ type: ChannelAccountPageDto })
  @ApiProblems(400)
  list(
    @TenantId() tenantId: string,
    @Query() query: ChannelAccountListQueryDto,
  ): Promise<Page<ChannelAccountDto>> {
    // A tampered cursor is a 400 naming it, not a failed uuid comparison in the service's query.
    decodeIdCursor(query.cursor);
    return this.accounts.list(tenantId, query.limit, query.cursor, query.hub);
  }

  @Get(':idOrName')
  @ApiOperation({ summary: 'One channel account, by id or by its tenant-chosen name' })
  @ApiParam({ name: 'idOrName', example: 'main-line' })
  @ApiOkResponse({ type: ChannelAccountDto })
  @ApiProblems(404)
  get(
    @TenantId() tenantId: string,
    @Param('idOrName') idOrName: string,
  ): Promise<ChannelAccountDto> {
    return this.accounts.get(tenantId, idOrName);
  }
}
