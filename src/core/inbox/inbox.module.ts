import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { InboundEventEntity } from './entities/inbound-event.entity';
import { InboundEnqueuer } from './inbound-enqueuer';
import { InboundHandlerRegistry } from './inbound-handler.registry';
import { InboundProcessor } from './inbound.processor';
import { InboxDispatcher } from './inbox.dispatcher';
import { inboxMetrics } from './inbox.metrics';
import { InboxRepository } from './inbox.repository';
import { InboxRetention } from './inbox.retention';
import { InboxService } from './inbox.service';
import { InboxSweeper } from './inbox.sweeper';

const intake = [InboxService, InboundEnqueuer, InboxRepository];
const processing = [InboundHandlerRegistry, InboxDispatcher];
const maintenance = [InboxSweeper, InboxRetention];
const queueProcessors = [InboundProcessor];

/**
 * Durable webhook intake (the inbox): webhook controllers call InboxService.accept; platform
 * modules process events by providing an @InboundHandler() class. Needs DatabaseModule and
 * QueueModule (global) in the app; import this module once, in AppModule.
 */
@Module({
  imports: [TypeOrmModule.forFeature([InboundEventEntity]), DiscoveryModule],
  providers: [...intake, ...processing, ...maintenance, ...queueProcessors, ...inboxMetrics],
  exports: [InboxService, InboundHandlerRegistry, InboxSweeper],
})
export class InboxModule {}
