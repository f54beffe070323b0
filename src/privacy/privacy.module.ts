import { Module } from '@nestjs/common';
import { MessagingModule } from '@app/messaging/messaging.module';
import { TenantsModule } from '@app/tenants/tenants.module';
import { ExportDownloadController } from './exports/export-download.controller';
import { ExportLinks } from './exports/export-links';
import { PrivacyExportsRepository } from './exports/privacy-exports.repository';
import { PrivacyDeadlinesTask } from './requests/privacy-deadlines.task';
import { PrivacyRequestProcessor } from './requests/privacy-request.processor';
import { PrivacyRequestRunner } from './requests/privacy-request.runner';
import { PrivacyRequestsController } from './requests/privacy-requests.controller';
import { PrivacyRequestsEnqueuer } from './requests/privacy-requests.enqueuer';
import { PrivacyRequestsRepository } from './requests/privacy-requests.repository';
import { PrivacyRequestsService } from './requests/privacy-requests.service';
import { PrivacyRequestsSweeper } from './requests/privacy-requests.sweeper';
import { RetentionController } from './retention/retention.controller';
import { RetentionHeartbeat } from './retention/retention-heartbeat';
import { RetentionPolicies } from './retention/retention-policies';
import { RetentionStallCheck } from './retention/retention-stall.check';
import { RetentionTask } from './retention/retention.task';

const httpControllers = [PrivacyRequestsController, ExportDownloadController, RetentionController];
const repositories = [PrivacyRequestsRepository, PrivacyExportsRepository];
const services = [
  PrivacyRequestsService,
  PrivacyRequestRunner,
  PrivacyRequestsEnqueuer,
  ExportLinks,
];
const retention = [RetentionPolicies, RetentionTask, RetentionHeartbeat, RetentionStallCheck];
const background = [PrivacyRequestProcessor, PrivacyRequestsSweeper, PrivacyDeadlinesTask];

/**
 * Data subject requests and retention. Every module's data is reached through the
 * @PrivacyContributor() providers it declares (core/privacy), never its tables; messaging's
 * exported services find contacts and delete old messages. Deadlines at risk (a request near
 * its due date, a retention task failing or stalled) are raised through AlertRaiser.
 */
@Module({
  imports: [MessagingModule, TenantsModule],
  controllers: httpControllers,
  providers: [...repositories, ...services, ...retention, ...background],
})
export class PrivacyModule {}
