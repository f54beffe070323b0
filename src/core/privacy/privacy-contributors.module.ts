import { Global, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { PrivacyContributorRegistry } from './privacy-contributor.registry';

/** The registry of data contributors, global so the privacy module finds it wherever it runs. */
@Global()
@Module({
  imports: [DiscoveryModule],
  providers: [PrivacyContributorRegistry],
  exports: [PrivacyContributorRegistry],
})
export class PrivacyContributorsModule {}
