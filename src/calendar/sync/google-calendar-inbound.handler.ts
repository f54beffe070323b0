import { Injectable, Logger } from '@nestjs/common';
import {
  InboundEventHandler,
  InboundEventRecord,
  InboundHandler,
} from '@core/inbox/inbound-event-handler';
import { CalendarChannelsRepository } from './calendar-channels.repository';
import { CalendarSyncService } from './calendar-sync.service';

export const GOOGLE_CALENDAR_INBOX_SOURCE = 'google-calendar';

/** A stored push notification: which channel, which of its messages, what state. */
export interface GooglePush {
  channelId: string;
  messageNumber: string;
  resourceState: string;
}

/**
 * A push says "something changed in this calendar", never what: the answer is an incremental
 * sync of the channel's calendar. A channel since renewed or stopped needs nothing: its
 * calendar's current channel (or the disconnect) covers it.
 */
@Injectable()
@InboundHandler()
export class GoogleCalendarInboundHandler implements InboundEventHandler {
  readonly source = GOOGLE_CALENDAR_INBOX_SOURCE;
  private readonly logger = new Logger(GoogleCalendarInboundHandler.name);

  constructor(
    private readonly channels: CalendarChannelsRepository,
    private readonly sync: CalendarSyncService,
  ) {}

  async handle(event: InboundEventRecord): Promise<void> {
    const push = event.payload as GooglePush;
    const channel = await this.channels.findById(push.channelId);
    if (!channel) return;
    const report = await this.sync.sync(channel);
    this.logger.log(
      { connectionId: channel.connectionId, ...report },
      'Calendar synced after a Google push',
    );
  }
}
