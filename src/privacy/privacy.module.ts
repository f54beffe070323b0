import { Module } from '@nestjs/common';
import { MessagingModule } from '@app/messaging/messaging.module';
import { TenantsModule } from '@app/tenants/tenants.module';
import { ExportDownloadController } from './exports/export-download.controller';
import { ExportLinks } from './exports/export-links';
import { PrivacyExportsRepository } from './exports/privacy-exports.repository';
import { PrivacyRequestProcessor } from './requests/privacy-request.processor';
import { PrivacyRequestRunner } from './requests/privacy-request.runner';
import { PrivacyRequestsController } from './requests/privacy-requests.controller';
import { PrivacyRequestsEnqueuer } from './requests/privacy-requests.enqueuer';
import { PrivacyRequestsRepository } from './requests/privacy-requests.repository';
import { PrivacyRequestsService } from './requests/privacy-requests.service';
import { PrivacyRequestsSweeper } from './requests/privacy-requests.sweeper';
import { RetentionController } from './retention/retention.controller';
import { RetentionPolicies } from './retention/retention-policies';
import { RetentionTask } from './retention/retention.task';

const httpControllers = [PrivacyRequestsController, ExportDownloadController, RetentionController];
const repositories = [PrivacyRequestsRepository, PrivacyExportsRepository];
const services = [
  PrivacyRequestsService,
  PrivacyRequestRunner,
  PrivacyRequestsEnqueuer,
  ExportLinks,
];
const retention = [RetentionPolicies, RetentionTask];
const background = [PrivacyRequestProcessor, PrivacyRequestsSweeper];

/**
 * Data subject requests and retention. Every module's data is reached through the
 * @PrivacyContributor() providers it declares (core/privacy), never its tables; messaging's
 * exported services find contacts and delete old messages.
 */
@Module({
  imports: [MessagingModule, TenantsModule],
  controllers: httpControllers,
  providers: [...repositories, ...services, ...retention, ...background],
})
export class PrivacyModule {}
