import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig } from '@config/app-config';
import type { WorkingHours } from './working-hours';

export interface CalendarSettings {
  /** The tenant's, else CALENDAR_DEFAULT_TIME_ZONE. */
  timeZone: string;
  workingHours: WorkingHours;
}

/** A tenant's calendar settings (calendar_settings), with the server defaults filled in. */
@Injectable()
export class CalendarSettingsRepository {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly config: AppConfig,
  ) {}

  async get(tenantId: string): Promise<CalendarSettings> {
    const rows: Array<{ timeZone: string | null; workingHours: WorkingHours | null }> =
      await this.db.query(
        `SELECT time_zone AS "timeZone", working_hours AS "workingHours"
           FROM calendar_settings WHERE tenant_id = $1`,
        [tenantId],
      );
    return {
      timeZone: rows[0]?.timeZone ?? this.config.calendar.defaultTimeZone,
      workingHours: rows[0]?.workingHours ?? {},
    };
  }

  /** Sets what is given; `undefined` leaves a setting as it is. */
  async update(
    tenantId: string,
    changes: { timeZone?: string; workingHours?: WorkingHours },
  ): Promise<CalendarSettings> {
    await this.db.query(
      `INSERT INTO calendar_settings (tenant_id, time_zone, working_hours)
       VALUES ($1, $2, $3)
       ON CONFLICT (tenant_id) DO UPDATE SET
         time_zone = COALESCE($2, calendar_settings.time_zone),
         working_hours = COALESCE($3, calendar_settings.working_hours),
         updated_at = now()`,
      [
        tenantId,
        changes.timeZone ?? null,
        changes.workingHours ? JSON.stringify(changes.workingHours) : null,
      ],
    );
    return this.get(tenantId);
  }
}
