import { Global, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { ContactMergeParticipants } from './contact-merge-participant';
import { PrivacyContributorRegistry } from './privacy-contributor.registry';

/**
 * The registries of data contributors (exports, erasures) and contact-merge participants,
 * global so the privacy module and messaging's merge find them wherever they run.
 */
@Global()
@Module({
  imports: [DiscoveryModule],
  providers: [PrivacyContributorRegistry, ContactMergeParticipants],
  exports: [PrivacyContributorRegistry, ContactMergeParticipants],
})
export class PrivacyContributorsModule {}
