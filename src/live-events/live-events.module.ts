import { Module } from '@nestjs/common';
import { AuthGuard, AuthModule } from '@core/auth/auth.module';
import { MessagingModule } from '@app/messaging/messaging.module';
import { TenantsModule } from '@app/tenants/tenants.module';
import { ConnectionLimiter } from './connection-limiter';
import { EventStreams } from './event-streams';
import { LiveEventsController } from './live-events.controller';
import { LiveEventsHub } from './live-events.hub';
import { liveEventsMetrics } from './live-events.metrics';
import { LiveEventsPublisher } from './live-events.publisher';
import { LiveEventsReader } from './live-events.reader';
import { StreamTickets } from './stream-tickets';
import { TenantEventLog } from './tenant-event-log';

const publishing = [LiveEventsPublisher, TenantEventLog];
const streaming = [EventStreams, LiveEventsHub, LiveEventsReader, ConnectionLimiter, StreamTickets];
// The stream route authenticates itself (a ticket, or the usual credentials): it asks the
// same guard the app runs globally.
const authentication = [AuthGuard];

/**
 * The frontend's live stream. Workers append messaging events to a Redis stream per tenant
 * (LiveEventsPublisher); every API pod reads the streams its clients watch and fans them out
 * over Server-Sent Events (GET /api/v2/events/stream), resumable by Last-Event-ID.
 */
@Module({
  imports: [MessagingModule, TenantsModule, AuthModule],
  controllers: [LiveEventsController],
  providers: [...publishing, ...streaming, ...authentication, ...liveEventsMetrics],
})
export class LiveEventsModule {}
