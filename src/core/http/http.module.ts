import { AppConfig } from '@config/app-config';
import { Global, Module } from '@nestjs/common';
import { HostResolver, SystemHostResolver } from './host-resolver';
import {
  GUARDED_HTTP_DISPATCHER,
  HTTP_DISPATCHER,
  HttpAgentCloser,
  createGuardedHttpAgent,
  createHttpAgent,
} from './http-agent';
import { hubMetricProviders } from './hub-metrics';
import { PinnedLookup } from './pinned-lookup';
import { PlatformHttpClient } from './platform-http.client';
import { PublicLinkGuard } from './public-link.guard';

const transport = [
  { provide: HTTP_DISPATCHER, inject: [AppConfig], useFactory: createHttpAgent },
  {
    provide: GUARDED_HTTP_DISPATCHER,
    inject: [AppConfig, PinnedLookup],
    useFactory: (config: AppConfig, pinned: PinnedLookup) => createGuardedHttpAgent(config, pinned),
  },
  HttpAgentCloser,
];
const links = [
  { provide: HostResolver, useClass: SystemHostResolver },
  PublicLinkGuard,
  PinnedLookup,
];

/**
 * The outbound HTTP client and the guard for links platforms fetch, global so every platform
 * module injects the same ones.
 */
@Global()
@Module({
  providers: [...transport, ...hubMetricProviders, PlatformHttpClient, ...links],
  exports: [PlatformHttpClient, ...hubMetricProviders, ...links],
})
export class PlatformHttpModule {}
