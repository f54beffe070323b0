import { Injectable, Logger } from '@nestjs/common';
import { MaintenanceTask, PeriodicTask } from '@core/queue/maintenance-task';
import { CalendarConnectionsRepository } from '../connection/calendar-connections.repository';
import { CalendarWatchService } from './calendar-watch.service';

/**
 * Every 15 minutes, every active connection's calendars are watched: channels opened for new
 * calendars (and right after a connect), renewed well before Google lets them lapse
 * (CALENDAR_CHANNEL_RENEW_BEFORE_SECONDS), stopped for calendars no longer granted. A
 * disconnect stops its channels itself before revoking the grant.
 */
@Injectable()
@MaintenanceTask()
export class CalendarWatchTask implements PeriodicTask {
  readonly name = 'calendar.watch';
  readonly everyMs = 15 * 60_000;
  private readonly logger = new Logger(CalendarWatchTask.name);

  constructor(
    private readonly connections: CalendarConnectionsRepository,
    private readonly watch: CalendarWatchService,
  ) {}

  async run(
    now = Date.now(),
  ): Promise<{ connections: number; opened: number; stopped: number; failed: number }> {
    const report = { connections: 0, opened: 0, stopped: 0, failed: 0 };
    for (const tenantId of await this.connections.activeTenants()) {
      const connection = await this.connections.findByTenant(tenantId);
      if (connection?.status !== 'active') continue;
      report.connections += 1;
      try {
        const done = await this.watch.keepWatching(connection, now);
        report.opened += done.opened;
        report.stopped += done.stopped;
      } catch (error) {
        // One tenant's failing Google (or grant) stops no other's renewal.
        report.failed += 1;
        this.logger.warn({ connectionId: connection.id, err: error }, 'Calendar watch not renewed');
      }
    }
    return report;
  }
}
