import {
  Controller,
  Headers,
  HttpCode,
  HttpStatus,
  Logger,
  Post,
  VERSION_NEUTRAL,
} from '@nestjs/common';
import { ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { SkipThrottle } from '@nestjs/throttler';
import { ApiProblems } from '@core/api/api-problems.decorator';
import { Public } from '@core/auth/auth.decorators';
import { safeEqual } from '@core/crypto/hmac';
import {
  NotFoundError,
  UnauthenticatedError,
  ValidationFailedError,
} from '@core/errors/domain-error';
import { InboxService } from '@core/inbox/inbox.service';
import { CalendarChannelsRepository } from './calendar-channels.repository';
import { GOOGLE_CALENDAR_INBOX_SOURCE, GooglePush } from './google-calendar-inbound.handler';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Google's push notifications for the channels events.watch opened (guides/push). The body is
 * empty; the X-Goog-* headers say which channel and which message. A notification is genuine
 * when its channel is one we opened (else 404) and it carries that channel's secret token
 * (else 401, compared in constant time); nothing is stored otherwise. The first message of a
 * channel (`sync`) only announces it and is acknowledged; every other is stored in the inbox,
 * deduplicated by channel and message number, before the 200.
 */
@ApiTags('webhooks')
@Public()
@SkipThrottle()
@Controller({ path: 'webhooks/google-calendar', version: VERSION_NEUTRAL })
export class GoogleCalendarWebhookController {
  private readonly logger = new Logger(GoogleCalendarWebhookController.name);

  constructor(
    private readonly inbox: InboxService,
    private readonly channels: CalendarChannelsRepository,
  ) {}

  @Post()
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Receive Google Calendar push notifications',
    description:
      'Verifies X-Goog-Channel-ID (a channel Omnihub opened) and X-Goog-Channel-Token (its ' +
      'secret), stores the notification durably and answers 200; a worker then syncs the ' +
      'calendar incrementally. Redeliveries are acknowledged once stored.',
  })
  @ApiHeader({ name: 'X-Goog-Channel-ID', required: true })
  @ApiHeader({ name: 'X-Goog-Channel-Token', required: true })
  @ApiHeader({ name: 'X-Goog-Message-Number', required: true })
  @ApiHeader({ name: 'X-Goog-Resource-State', required: true, example: 'exists' })
  @ApiHeader({ name: 'X-Goog-Resource-ID', required: false })
  @ApiOkResponse({ schema: { example: { received: true } } })
  @ApiProblems(400, 401, 404, 503)
  async receive(
    @Headers('x-goog-channel-id') channelId?: string,
    @Headers('x-goog-channel-token') token?: string,
    @Headers('x-goog-message-number') messageNumber?: string,
    @Headers('x-goog-resource-state') resourceState?: string,
    @Headers('x-goog-resource-id') resourceId?: string,
  ): Promise<{ received: true }> {
    const channel =
      channelId && UUID.test(channelId) ? await this.channels.findById(channelId) : undefined;
    if (!channel) {
      this.logger.warn('Google Calendar push for an unknown channel refused');
      throw new NotFoundError('Channel', 'CALENDAR.CHANNEL_NOT_FOUND');
    }
    const genuine =
      token !== undefined &&
      safeEqual(token, channel.token) &&
      (resourceId === undefined || resourceId === channel.resourceId);
    if (!genuine) {
      this.logger.warn({ channelId }, 'Google Calendar push with a wrong channel token refused');
      throw new UnauthenticatedError(
        'X-Goog-Channel-Token does not match the channel',
        'WEBHOOK.INVALID_CHANNEL_TOKEN',
      );
    }
    if (!messageNumber || !/^\d{1,20}$/.test(messageNumber) || !resourceState) {
      throw new ValidationFailedError([
        { field: 'X-Goog-Message-Number', message: 'must be Google’s message number' },
      ]);
    }
    if (resourceState === 'sync') return { received: true };
    const payload: GooglePush = { channelId: channel.id, messageNumber, resourceState };
    await this.inbox.accept({
      source: GOOGLE_CALENDAR_INBOX_SOURCE,
      externalId: `${channel.id}:${messageNumber}`,
      rawBody: JSON.stringify(payload),
      payload,
      tenantId: channel.tenantId,
      accountRef: channel.connectionId,
    });
    return { received: true };
  }
}
