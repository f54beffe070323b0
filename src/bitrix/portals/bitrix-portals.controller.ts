import { Body, Delete, Get, HttpCode, Param, Patch, Post, Put } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
} from '@nestjs/swagger';
import { ApiV2Controller } from '@core/api/api-controller.decorator';
import { ApiProblems } from '@core/api/api-problems.decorator';
import { UuidPipe } from '@core/api/uuid.pipe';
import { TenantId } from '@core/auth/auth.decorators';
import { BitrixLinesService } from '../connector/bitrix-lines.service';
import { MirrorDeadLetters } from '../mirror/mirror-dead-letters';
import {
  AuthorizationCodeDto,
  CreatePortalDto,
  LineDto,
  LineMappingDto,
  MirrorDeadLetterDto,
  PortalDto,
  PortalStatusDto,
  RedriveDeadLettersDto,
  RedriveResultDto,
  UpdatePortalDto,
} from './bitrix-portals.dto';
import { BitrixPortalsService } from './bitrix-portals.service';

/** The tenant's Bitrix24 portals, their open-line mappings and health. */
@ApiV2Controller('bitrix/portals', 'bitrix24')
export class BitrixPortalsController {
  constructor(
    private readonly portals: BitrixPortalsService,
    private readonly lines: BitrixLinesService,
    private readonly deadLetters: MirrorDeadLetters,
  ) {}

  @Post()
  @ApiOperation({
    summary: 'Add a Bitrix24 portal',
    description:
      "Set the answer's `handlerUrl` as the application's handler (and install) URL on the " +
      'portal; installing the app there (ONAPPINSTALL) or POST .../authorization-code gives ' +
      'Omnihub its tokens, registers the Open Lines connector and binds the events.',
  })
  @ApiCreatedResponse({ type: PortalDto })
  @ApiProblems(400, 409)
  create(@TenantId() tenantId: string, @Body() body: CreatePortalDto): Promise<PortalDto> {
    return this.portals.create(tenantId, body);
  }

  @Get()
  @ApiOkResponse({ type: [PortalDto] })
  list(@TenantId() tenantId: string): Promise<PortalDto[]> {
    return this.portals.list(tenantId);
  }

  @Get(':id')
  @ApiOkResponse({ type: PortalDto })
  @ApiProblems(400, 404)
  get(@TenantId() tenantId: string, @Param('id', UuidPipe) id: string): Promise<PortalDto> {
    return this.portals.get(tenantId, id);
  }

  @Patch(':id')
  @ApiOkResponse({ type: PortalDto })
  @ApiProblems(400, 404, 409)
  update(
    @TenantId() tenantId: string,
    @Param('id', UuidPipe) id: string,
    @Body() body: UpdatePortalDto,
  ): Promise<PortalDto> {
    return this.portals.update(tenantId, id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiNoContentResponse()
  @ApiProblems(400, 404)
  delete(@TenantId() tenantId: string, @Param('id', UuidPipe) id: string): Promise<void> {
    return this.portals.delete(tenantId, id);
  }

  @Post(':id/authorization-code')
  @HttpCode(200)
  @ApiOperation({ summary: 'Finish the authorization-code flow with the code Bitrix24 gave' })
  @ApiOkResponse({ type: PortalDto })
  @ApiProblems(400, 404, 422)
  authorize(
    @TenantId() tenantId: string,
    @Param('id', UuidPipe) id: string,
    @Body() body: AuthorizationCodeDto,
  ): Promise<PortalDto> {
    return this.portals.authorize(tenantId, id, body.code);
  }

  @Get(':id/status')
  @ApiOperation({ summary: 'Token, connector, last call, breaker and mirror queue of a portal' })
  @ApiOkResponse({ type: PortalStatusDto })
  @ApiProblems(400, 404)
  status(
    @TenantId() tenantId: string,
    @Param('id', UuidPipe) id: string,
  ): Promise<PortalStatusDto> {
    return this.portals.status(tenantId, id);
  }

  @Put(':id/lines')
  @ApiOperation({
    summary: 'Feed an open line from a channel account',
    description:
      "Activates Omnihub's connector on the line; the account's customers' messages appear " +
      'there and agents answer from it. One line per account per portal.',
  })
  @ApiOkResponse({ type: LineDto })
  @ApiProblems(400, 404, 422)
  map(
    @TenantId() tenantId: string,
    @Param('id', UuidPipe) id: string,
    @Body() body: LineMappingDto,
  ): Promise<LineDto> {
    return this.lines.map(tenantId, id, body.channelAccountId, body.lineId);
  }

  @Get(':id/lines')
  @ApiOkResponse({ type: [LineDto] })
  @ApiProblems(400, 404)
  listLines(@TenantId() tenantId: string, @Param('id', UuidPipe) id: string): Promise<LineDto[]> {
    return this.lines.list(tenantId, id);
  }

  @Delete(':id/lines/:channelAccountId')
  @HttpCode(204)
  @ApiNoContentResponse()
  @ApiProblems(400, 404)
  unmap(
    @TenantId() tenantId: string,
    @Param('id', UuidPipe) id: string,
    @Param('channelAccountId', UuidPipe) channelAccountId: string,
  ): Promise<void> {
    return this.lines.unmap(tenantId, id, channelAccountId);
  }

  @Get(':id/dead-letters')
  @ApiOperation({
    summary: 'Customer messages, edits and deletions Bitrix24 kept refusing',
    description:
      'Unsent mirror items that used up BITRIX_MIRROR_MAX_ATTEMPTS (backing off 1 s, 2 s, 4 s...), ' +
      "oldest first, at most 500, with Bitrix24's last refusal.",
  })
  @ApiOkResponse({ type: [MirrorDeadLetterDto] })
  @ApiProblems(400, 404)
  listDeadLetters(
    @TenantId() tenantId: string,
    @Param('id', UuidPipe) id: string,
  ): Promise<MirrorDeadLetterDto[]> {
    return this.deadLetters.list(tenantId, id);
  }

  @Post(':id/dead-letters/redrive')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Try dead letters again (all of the portal, or the ids given)',
    description: 'Each still goes once: our message id is the external message id.',
  })
  @ApiOkResponse({ type: RedriveResultDto })
  @ApiProblems(400, 404)
  redriveDeadLetters(
    @TenantId() tenantId: string,
    @Param('id', UuidPipe) id: string,
    @Body() body: RedriveDeadLettersDto,
  ): Promise<RedriveResultDto> {
    return this.deadLetters.redrive(tenantId, id, body.ids);
  }
}
