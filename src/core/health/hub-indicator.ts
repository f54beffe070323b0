import { DiscoveryService } from '@nestjs/core';

/** One hub's state for /health/hubs, as its module sees it. No tenant data, no secrets. */
export interface HubIndicatorReport {
  status: 'up' | 'degraded' | 'down';
  /** Safe for operators: counts and states, never account ids or tokens. */
  [detail: string]: unknown;
}

/**
 * A hub module's contribution to /health/hubs (Terminus). Platform state lives here, never in
 * /health/ready: a platform outage must not take every pod out of the load balancer.
 */
export interface HubIndicator {
  readonly hub: string;
  check(): Promise<HubIndicatorReport>;
}

/**
 * Marks a module's `@Injectable()` HubIndicator; HubIndicatorRegistry finds it at boot, as the
 * ChannelRegistry finds providers. One per hub:
 *
 * ```ts
 * @Injectable()
 * @RegisterHubIndicator()
 * export class WhatsappHealthIndicator implements HubIndicator { readonly hub = 'whatsapp'; ... }
 * ```
 */
export const RegisterHubIndicator = DiscoveryService.createDecorator<void>();
