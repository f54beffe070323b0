import { Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { ApiV2Controller } from '@core/api/api-controller.decorator';
import { ApiProblems } from '@core/api/api-problems.decorator';
import { decodeIdCursor, Page, toPage } from '@core/api/pagination';
import { CurrentPrincipal, RequireRole } from '@core/auth/auth.decorators';
import type { Principal } from '@core/auth/principal';
import { ValidationFailedError } from '@core/errors/domain-error';
import { AlertDto, AlertPageDto, AlertQueryDto } from './alerts.dto';
import { AlertsRepository } from './alerts.repository';

/** The alert history: the admin sees every alert, a tenant the alerts about its own accounts. */
@ApiV2Controller('hub/alerts', 'hub alerts')
@RequireRole('admin', 'tenant')
export class AlertsController {
  constructor(private readonly alerts: AlertsRepository) {}

  @Get()
  @ApiOperation({
    summary: 'Alert history, newest first',
    description:
      'One entry per episode of a condition (type + subject): `firing` until it clears, then ' +
      '`resolved`. Raises within ALERTS_DEDUP_WINDOW_SECONDS, from any pod, count as ' +
      '`occurrences` of the same entry. With the admin key: every tenant and the platform-wide ' +
      'alerts (circuits, queues, hub thresholds), optionally one `tenantId`.',
  })
  @ApiOkResponse({ type: AlertPageDto })
  @ApiProblems(400)
  async list(
    @CurrentPrincipal() principal: Principal,
    @Query() query: AlertQueryDto,
  ): Promise<Page<AlertDto>> {
    if (principal.role === 'tenant' && query.tenantId && query.tenantId !== principal.tenantId) {
      throw new ValidationFailedError([
        { field: 'tenantId', message: 'a tenant sees only its own alerts' },
      ]);
    }
    const rows = await this.alerts.list({
      tenantId: principal.role === 'tenant' ? principal.tenantId : query.tenantId,
      status: query.status,
      type: query.type,
      severity: query.severity,
      since: query.since,
      before: decodeIdCursor(query.cursor),
      limit: query.limit + 1,
    });
    return toPage(
      rows,
      query.limit,
      (row) => [row.id],
      (row) => AlertDto.from(row),
    );
  }
}
