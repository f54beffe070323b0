import { Body, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiAcceptedResponse, ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { ApiV2Controller } from '@core/api/api-controller.decorator';
import { ApiProblems } from '@core/api/api-problems.decorator';
import { Page, PageQueryDto } from '@core/api/pagination';
import { UuidPipe } from '@core/api/uuid.pipe';
import { TenantId } from '@core/auth/auth.decorators';
import {
  CreatePrivacyRequestDto,
  PrivacyRequestDto,
  PrivacyRequestPageDto,
} from './privacy-requests.dto';
import { PrivacyRequestsService } from './privacy-requests.service';

/** Data subject requests (LGPD art. 18): a contact's data exported, or erased. */
@ApiV2Controller('privacy/requests', 'privacy')
export class PrivacyRequestsController {
  constructor(private readonly requests: PrivacyRequestsService) {}

  @Post()
  @HttpCode(202)
  @ApiOperation({
    summary: 'File an export or erasure request for a contact (by id or by phone/handle)',
    description:
      'Runs in the background; the answer carries the request id and its due date ' +
      '(PRIVACY_REQUEST_DUE_DAYS, LGPD: 15 days). An export completes with a signed download ' +
      'link that works without an API key until it expires; an erasure completes when every ' +
      'module has answered with a receipt of what it deleted and what it could not.',
  })
  @ApiAcceptedResponse({ type: PrivacyRequestDto })
  @ApiProblems(400, 404)
  create(
    @TenantId() tenantId: string,
    @Body() body: CreatePrivacyRequestDto,
  ): Promise<PrivacyRequestDto> {
    return this.requests.create(tenantId, body);
  }

  @Get()
  @ApiOperation({ summary: 'List data subject requests, oldest first' })
  @ApiOkResponse({ type: PrivacyRequestPageDto })
  @ApiProblems(400)
  list(
    @TenantId() tenantId: string,
    @Query() query: PageQueryDto,
  ): Promise<Page<PrivacyRequestDto>> {
    return this.requests.list(tenantId, query.limit, query.cursor);
  }

  @Get(':id')
  @ApiOperation({ summary: "A request's status, receipts (erasure) or download link (export)" })
  @ApiOkResponse({ type: PrivacyRequestDto })
  @ApiProblems(400, 404)
  get(@TenantId() tenantId: string, @Param('id', UuidPipe) id: string): Promise<PrivacyRequestDto> {
    return this.requests.get(tenantId, id);
  }
}
