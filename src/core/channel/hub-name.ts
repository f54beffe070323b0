import type { BreakerHub } from '@config/app-config';

/**
 * The hubs Omnihub ships with. `satisfies` keeps this list and the per-hub breaker settings in
 * config from drifting apart: a shipped hub without breaker settings does not compile.
 */
export const HUB_NAMES = [
  'whatsapp',
  'instagram',
  'tiktok',
  'calendar',
  'bitrix',
] as const satisfies readonly BreakerHub[];

export type KnownHubName = (typeof HUB_NAMES)[number];

/**
 * A hub's name: opaque to the core, which never branches on it. Open on purpose, so a module
 * can bring a hub the core has never heard of (a new platform, or a test's made-up one) without
 * a change here; the known names above stay as constants for config and API filters.
 */
export type HubName = KnownHubName | (string & NonNullable<unknown>);

export function isHubName(value: unknown): value is HubName {
  return typeof value === 'string' && /^[a-z][a-z0-9_-]{0,31}$/.test(value);
}
