import { Global, Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { AuditContextInterceptor, AuditContextStore } from './audit-context';
import { AuditLogRepository } from './audit-log.repository';
import { AuditRetention } from './audit-retention';
import { AuditTrail } from './audit-trail';
import { AuditVerifier } from './audit-verifier';
import { AuditController } from './audit.controller';
import { CheckpointSigner } from './checkpoint-signer';

const httpControllers = [AuditController];
const services = [AuditTrail, AuditVerifier, AuditRetention];
const internals = [AuditContextStore, AuditLogRepository, CheckpointSigner];
const requestContext = [{ provide: APP_INTERCEPTOR, useClass: AuditContextInterceptor }];

/**
 * The audit log. Global: every feature records its audited actions through AuditTrail without
 * importing this module; AuditRetention is for the retention task, AuditVerifier for the CLI.
 */
@Global()
@Module({
  controllers: httpControllers,
  providers: [...services, ...internals, ...requestContext],
  exports: services,
})
export class AuditModule {}
