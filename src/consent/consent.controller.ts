import { Body, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import {
  ApiBody,
  ApiConsumes,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
} from '@nestjs/swagger';
import { ApiV2Controller } from '@core/api/api-controller.decorator';
import { ApiProblems } from '@core/api/api-problems.decorator';
import { Page, PageQueryDto } from '@core/api/pagination';
import { UuidPipe } from '@core/api/uuid.pipe';
import { CurrentPrincipal, TenantId } from '@core/auth/auth.decorators';
import type { Principal } from '@core/auth/principal';
import { ValidationFailedError } from '@core/errors/domain-error';
import { actorOf } from './consent-actor';
import { ConsentImport, CSV_COLUMNS } from './consent-import';
import type { ConsentEventRecord } from './consent-ledger';
import {
  ChannelQueryDto,
  ConsentDecisionDto,
  ImportConsentDto,
  LookupConsentDto,
  RecordConsentDto,
} from './consent.dto';
import { ConsentService } from './consent.service';
import {
  ConsentEventPageView,
  ConsentEventView,
  CurrentConsentView,
  ImportReportView,
} from './consent.views';

/**
 * The consent ledger of the calling tenant's contacts: decisions recorded (by contact id, or
 * by phone or handle in the body, so numbers stay out of URLs and logs), the current state
 * and what it allows, the history, and bulk imports.
 */
@ApiV2Controller('consent', 'consent')
export class ConsentController {
  constructor(
    private readonly consent: ConsentService,
    private readonly imports: ConsentImport,
  ) {}

  @Post('records')
  @ApiOperation({
    summary: 'Record a consent decision for a contact named by id, phone or channel handle',
    description: 'A phone or handle not known yet creates the contact (consent often comes first).',
  })
  @ApiCreatedResponse({ type: ConsentEventView })
  @ApiProblems(400, 404, 422)
  async record(
    @TenantId() tenantId: string,
    @CurrentPrincipal() principal: Principal | undefined,
    @Body() body: RecordConsentDto,
  ): Promise<ConsentEventRecord> {
    const { event } = await this.consent.record(tenantId, actorOf(principal), body);
    return event!;
  }

  @Post('lookup')
  @HttpCode(200)
  @ApiOperation({
    summary: "A contact's current consent, the contact named by id, phone or handle",
  })
  @ApiOkResponse({ type: CurrentConsentView })
  @ApiProblems(400, 404)
  lookup(
    @TenantId() tenantId: string,
    @Body() body: LookupConsentDto,
  ): Promise<CurrentConsentView> {
    return this.consent.lookup(tenantId, body);
  }

  @Post('contacts/:contactId')
  @ApiOperation({ summary: 'Record a consent decision for a contact' })
  @ApiCreatedResponse({ type: ConsentEventView })
  @ApiProblems(400, 404, 422)
  async recordForContact(
    @TenantId() tenantId: string,
    @CurrentPrincipal() principal: Principal | undefined,
    @Param('contactId', UuidPipe) contactId: string,
    @Body() body: ConsentDecisionDto,
  ): Promise<ConsentEventRecord> {
    await this.consent.assertContact(tenantId, contactId);
    const { event } = await this.consent.record(
      tenantId,
      actorOf(principal),
      { ...body, contact: { id: contactId } },
      { contactId },
    );
    return event!;
  }

  @Get('contacts/:contactId')
  @ApiOperation({
    summary: "A contact's current consent on a channel and what it allows per purpose",
  })
  @ApiOkResponse({ type: CurrentConsentView })
  @ApiProblems(400, 404)
  async current(
    @TenantId() tenantId: string,
    @Param('contactId', UuidPipe) contactId: string,
    @Query() query: ChannelQueryDto,
  ): Promise<CurrentConsentView> {
    await this.consent.assertContact(tenantId, contactId);
    return this.consent.current(tenantId, contactId, query.channel);
  }

  @Get('contacts/:contactId/history')
  @ApiOperation({ summary: "A contact's consent decisions, newest recorded first" })
  @ApiOkResponse({ type: ConsentEventPageView })
  @ApiProblems(400, 404)
  history(
    @TenantId() tenantId: string,
    @Param('contactId', UuidPipe) contactId: string,
    @Query() query: PageQueryDto,
  ): Promise<Page<ConsentEventRecord>> {
    return this.consent.history(tenantId, contactId, query.limit, query.cursor);
  }

  @Post('import')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Import consent decisions (JSON rows), with a report per row',
    description:
      'Each row is a POST /consent/records body; rows with `occurredAt` are recorded once ' +
      'however often the import is repeated.',
  })
  @ApiOkResponse({ type: ImportReportView })
  @ApiProblems(400)
  importJson(
    @TenantId() tenantId: string,
    @CurrentPrincipal() principal: Principal | undefined,
    @Body() body: ImportConsentDto,
  ): Promise<ImportReportView> {
    return this.imports.importRows(tenantId, actorOf(principal), body.rows);
  }

  @Post('import/csv')
  @HttpCode(200)
  @ApiConsumes('text/csv')
  @ApiBody({
    description: `A header row naming any of ${CSV_COLUMNS.join(', ')}, then one decision per row`,
    schema: {
      type: 'string',
      example:
        'phone,purpose,channel,state,occurred_at\n+5511987654321,marketing,whatsapp,granted,2026-11-02T10:00:00Z',
    },
  })
  @ApiOperation({ summary: 'Import consent decisions from CSV, with a report per row' })
  @ApiOkResponse({ type: ImportReportView })
  @ApiProblems(400, 415)
  importCsv(
    @TenantId() tenantId: string,
    @CurrentPrincipal() principal: Principal | undefined,
    @Body() body: unknown,
  ): Promise<ImportReportView> {
    if (typeof body !== 'string') {
      throw new ValidationFailedError([
        { field: 'body', message: 'send the CSV file with Content-Type: text/csv' },
      ]);
    }
    return this.imports.importCsv(tenantId, actorOf(principal), body);
  }
}
