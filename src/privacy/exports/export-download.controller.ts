import { Get, Header, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { ApiV2Controller } from '@core/api/api-controller.decorator';
import { ApiProblems } from '@core/api/api-problems.decorator';
import { UuidPipe } from '@core/api/uuid.pipe';
import { Public } from '@core/auth/auth.decorators';
import { NotFoundError } from '@core/errors/domain-error';
import { AuditTrail } from '@app/audit/audit-trail';
import { ExportLinkParams, ExportLinks } from './export-links';
import { PrivacyExportsRepository } from './privacy-exports.repository';

/**
 * The download behind an export's signed link. No credentials: the signature is the
 * credential. A wrong, expired or unknown link answers the same 404, so a guesser learns
 * nothing about which requests exist.
 */
@ApiV2Controller('privacy/exports', 'privacy')
export class ExportDownloadController {
  constructor(
    private readonly links: ExportLinks,
    private readonly exports: PrivacyExportsRepository,
    private readonly audit: AuditTrail,
  ) {}

  @Get(':id')
  @Public()
  @Header('content-type', 'application/json; charset=utf-8')
  @Header('content-disposition', 'attachment; filename="data-export.json"')
  @Header('cache-control', 'no-store')
  @ApiOperation({ summary: "Download a data export (the signed link from the request's status)" })
  @ApiOkResponse({ description: 'The export: one JSON document, a section per module' })
  @ApiProblems(400, 404)
  async download(
    @Param('id', UuidPipe) id: string,
    @Query() query: Partial<ExportLinkParams>,
  ): Promise<string> {
    const found = this.links.verify(id, query) ? await this.exports.open(id) : undefined;
    if (!found) throw new NotFoundError('Export');
    await this.audit.record({
      action: 'privacy.export_downloaded',
      tenantId: found.tenantId,
      resource: { type: 'privacy_request', id },
      actor: { kind: 'system', id: 'signed-link' },
    });
    return found.json;
  }
}
