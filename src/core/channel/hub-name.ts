import type { BreakerHub } from '@config/app-config';

/**
 * The hubs Omnihub connects. `satisfies` keeps this list and the per-hub breaker settings in
 * config from drifting apart: a hub without breaker settings does not compile.
 */
export const HUB_NAMES = [
  'whatsapp',
  'instagram',
  'calendar',
  'bitrix',
] as const satisfies readonly BreakerHub[];

export type HubName = (typeof HUB_NAMES)[number];

export function isHubName(value: unknown): value is HubName {
  return typeof value === 'string' && (HUB_NAMES as readonly string[]).includes(value);
}
