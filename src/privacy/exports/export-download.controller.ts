import { Controller, Get, Header, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiProblems } from '@core/api/api-problems.decorator';
import { UuidPipe } from '@core/api/uuid.pipe';
import { Public } from '@core/auth/auth.decorators';
import { NotFoundError, UnauthenticatedError } from '@core/errors/domain-error';
import { AuditTrail } from '@app/audit/audit-trail';
import { ExportLinkParams, ExportLinks } from './export-links';
import { PrivacyExportsRepository } from './privacy-exports.repository';

/**
 * The download behind an export's signed link. No API key: the signature is the credential,
 * checked before anything is looked up, so a wrong or expired link answers 401 whether the
 * request exists or not and a guesser learns nothing. A valid link whose document is gone
 * (deleted at expiry) answers 404.
 */
@Controller({ path: 'privacy/exports', version: '2' })
@ApiTags('privacy')
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
  @ApiProblems(400, 401, 404)
  async download(
    @Param('id', UuidPipe) id: string,
    @Query() query: Partial<ExportLinkParams>,
  ): Promise<string> {
    if (!this.links.verify(id, query))
      throw new UnauthenticatedError(
        'The download link is invalid or has expired; ask for a new export',
        'PRIVACY.EXPORT_LINK_INVALID',
      );
    const found = await this.exports.open(id);
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
