import { Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { ApiV2Controller } from '@core/api/api-controller.decorator';
import { ApiProblems } from '@core/api/api-problems.decorator';
import { Page, decodeIdCursor, toPage } from '@core/api/pagination';
import { RequireRole, TenantId } from '@core/auth/auth.decorators';
import { AuditLogRepository } from './audit-log.repository';
import { AuditVerifier } from './audit-verifier';
import {
  AdminAuditQueryDto,
  AuditPageDto,
  AuditQueryDto,
  AuditRecordDto,
  ChainVerdictDto,
  ChainVerdictListDto,
} from './audit.dto';

/** The tenant's audit log, and its verification; the admin's view of every chain. */
@ApiV2Controller('audit', 'audit')
export class AuditController {
  constructor(
    private readonly log: AuditLogRepository,
    private readonly verifier: AuditVerifier,
  ) {}

  @Get()
  @ApiOperation({ summary: 'List the audit log, oldest first, with filters (keyset paging)' })
  @ApiOkResponse({ type: AuditPageDto })
  @ApiProblems(400)
  list(@TenantId() tenantId: string, @Query() query: AuditQueryDto): Promise<Page<AuditRecordDto>> {
    return this.page(tenantId, query);
  }

  @Get('verify')
  @ApiOperation({
    summary: "Re-compute this tenant's hash chain and report the first broken link",
    description:
      'Starts from the signed retention checkpoint (or the first row) and re-hashes every row up ' +
      'to the chain head as it was when the check began. `ok: false` names the first row that ' +
      'was changed, removed or forged.',
  })
  @ApiOkResponse({ type: ChainVerdictDto })
  verify(@TenantId() tenantId: string): Promise<ChainVerdictDto> {
    return this.verifier.verify(tenantId);
  }

  @Get('all')
  @RequireRole('admin')
  @ApiOperation({ summary: "Admin: list a tenant's audit log, or the platform's (no tenantId)" })
  @ApiOkResponse({ type: AuditPageDto })
  @ApiProblems(400)
  listAny(@Query() query: AdminAuditQueryDto): Promise<Page<AuditRecordDto>> {
    return this.page(query.tenantId ?? null, query);
  }

  @Get('verify/all')
  @RequireRole('admin')
  @ApiOperation({ summary: 'Admin: verify every chain (each tenant and the platform)' })
  @ApiOkResponse({ type: ChainVerdictListDto })
  async verifyAll(): Promise<ChainVerdictListDto> {
    return { chains: await this.verifier.verifyAll() };
  }

  private async page(tenantId: string | null, query: AuditQueryDto): Promise<Page<AuditRecordDto>> {
    const rows = await this.log.list({
      tenantId,
      action: query.action,
      resourceType: query.resourceType,
      resourceId: query.resourceId,
      actorKind: query.actorKind,
      actorId: query.actorId,
      since: query.since ? new Date(query.since) : undefined,
      until: query.until ? new Date(query.until) : undefined,
      after: decodeIdCursor(query.cursor),
      limit: query.limit + 1,
    });
    return toPage(
      rows,
      query.limit,
      (row) => [row.id],
      (row) => AuditRecordDto.from(row),
    );
  }
}
