import type { TestingModuleBuilder } from '@nestjs/testing';
import { AppConfig } from '@config/app-config';
import { HostResolver } from '@core/http/host-resolver';
import { GUARDED_HTTP_DISPATCHER, createGuardedHttpAgent } from '@core/http/http-agent';
import { PinnedLookup } from '@core/http/pinned-lookup';
import { RECEIVER_CA, RECEIVER_HOSTS } from '@test/fakes/webhook-receiver/webhook-receiver';
import { StaticHostResolver } from './static-host-resolver';

/**
 * Lets the app reach the HTTPS receiver fakes (tenant webhooks, alert channels, image hosts) the
 * way production reaches a tenant's server: through the guarded agent as production builds it
 * (PinnedLookup over PublicLinkGuard), with two outside things swapped. DNS is a fixed table
 * answering 127.0.0.1 for RECEIVER_HOSTS (listed in OUTBOUND_URL_ALLOWLIST by the suites, as
 * an operator would list an on-premise receiver), and the agent also trusts the fakes'
 * self-signed certificate.
 */
export function withReceiverNetwork(builder: TestingModuleBuilder): {
  builder: TestingModuleBuilder;
  hosts: StaticHostResolver;
} {
  const hosts = new StaticHostResolver();
  for (const name of RECEIVER_HOSTS) hosts.set(name, ['127.0.0.1']);
  return {
    hosts,
    builder: builder
      .overrideProvider(HostResolver)
      .useValue(hosts)
      .overrideProvider(GUARDED_HTTP_DISPATCHER)
      .useFactory({
        inject: [AppConfig, PinnedLookup],
        factory: (config: AppConfig, pinned: PinnedLookup) =>
          createGuardedHttpAgent(config, pinned, RECEIVER_CA),
      }),
  };
}
