import { randomBytes } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '@config/app-config';
import { newId } from '@core/database/ids';
import { PlatformError } from '@core/errors/platform-error';
import type { CalendarConnection } from '../connection/calendar-connection';
import { CalendarLocks } from '../connection/calendar-locks';
import { CalendarConnectionsRepository } from '../connection/calendar-connections.repository';
import { CalendarApi } from '../google/calendar-api';
import { CalendarChannel, CalendarChannelsRepository } from './calendar-channels.repository';
import { CalendarSyncService } from './calendar-sync.service';

export interface WatchReport {
  opened: number;
  stopped: number;
}

/**
 * Keeps one live push channel (events.watch) per granted calendar of a connection: opens one
 * where none lives past the renewal margin (a new channel first, then the old one is stopped,
 * so no change goes unannounced in between), and stops channels of calendars no longer
 * granted. A calendar watched for the first time gets its baseline sync, which stores the sync
 * token the pushes continue from.
 */
@Injectable()
export class CalendarWatchService {
  private readonly logger = new Logger(CalendarWatchService.name);

  constructor(
    private readonly config: AppConfig,
    private readonly api: CalendarApi,
    private readonly connections: CalendarConnectionsRepository,
    private readonly channels: CalendarChannelsRepository,
    private readonly sync: CalendarSyncService,
    private readonly locks: CalendarLocks,
  ) {}

  /**
   * One round per connection at a time across pods (connect and the task may overlap).
   * `baseline` false leaves calendars never synced to the task's next round (connect does not
   * hold the user's browser for a large calendar's first sync).
   */
  keepWatching(
    connection: CalendarConnection,
    now = Date.now(),
    baseline = true,
  ): Promise<WatchReport> {
    return this.locks.withLock(`watch:${connection.id}`, () =>
      this.round(connection, now, baseline),
    );
  }

  private async round(
    connection: CalendarConnection,
    now: number,
    baseline: boolean,
  ): Promise<WatchReport> {
    const report = { opened: 0, stopped: 0 };
    const renewBefore = now + this.config.calendar.channelRenewBeforeSeconds * 1000;
    const granted = (await this.connections.calendars(connection.tenantId)).map(
      (c) => c.calendarId,
    );
    const existing = await this.channels.ofConnection(connection.id);
    for (const calendarId of granted) {
      const mine = existing.filter((channel) => channel.calendarId === calendarId);
      let live = mine.find((channel) => channel.expiresAt.getTime() > renewBefore);
      if (!live) {
        live = await this.open(connection, calendarId);
        report.opened += 1;
      }
      if (baseline && !(await this.channels.syncToken(connection.id, calendarId))) {
        await this.sync.sync({
          tenantId: connection.tenantId,
          connectionId: connection.id,
          calendarId,
        });
      }
      for (const old of mine.filter((channel) => channel.id !== live.id)) {
        await this.stop(connection.tenantId, old);
        report.stopped += 1;
      }
    }
    for (const orphan of existing.filter((channel) => !granted.includes(channel.calendarId))) {
      await this.stop(connection.tenantId, orphan);
      report.stopped += 1;
    }
    return report;
  }

  /** Before a disconnect revokes the grant: Google stops pushing, best effort. */
  async stopAll(connection: CalendarConnection): Promise<void> {
    for (const channel of await this.channels.ofConnection(connection.id)) {
      await this.stop(connection.tenantId, channel).catch((error: unknown) =>
        this.logger.warn(
          { channelId: channel.id, err: error },
          'Calendar push channel not stopped at Google; it lapses at its expiry',
        ),
      );
    }
  }

  private async open(connection: CalendarConnection, calendarId: string): Promise<CalendarChannel> {
    const id = newId();
    // The secret Google echoes in X-Goog-Channel-Token (at most 256 characters).
    const token = randomBytes(32).toString('base64url');
    const answer = await this.api.run(connection.tenantId, (calendar) =>
      calendar.events.watch({
        calendarId,
        requestBody: {
          id,
          type: 'web_hook',
          address: this.config.calendar.webhookUrl,
          token,
          params: { ttl: String(this.config.calendar.channelTtlSeconds) },
        },
      }),
    );
    const channel: CalendarChannel = {
      id,
      tenantId: connection.tenantId,
      connectionId: connection.id,
      calendarId,
      resourceId: answer.resourceId ?? '',
      token,
      expiresAt: new Date(
        Number(answer.expiration) || Date.now() + this.config.calendar.channelTtlSeconds * 1000,
      ),
    };
    await this.channels.insert(channel);
    return channel;
  }

  private async stop(tenantId: string, channel: CalendarChannel): Promise<void> {
    try {
      await this.api.run(tenantId, (calendar) =>
        calendar.channels.stop({ requestBody: { id: channel.id, resourceId: channel.resourceId } }),
      );
    } catch (error) {
      // Google forgot it already (expired): nothing left to stop.
      if (!(error instanceof PlatformError && error.details.status === 404)) throw error;
    }
    await this.channels.delete(channel.id);
  }
}
