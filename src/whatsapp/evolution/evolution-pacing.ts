/**
 * Evolution drives a personal WhatsApp session (Baileys): bursts of sends from one number are
 * what gets numbers banned, so each instance is paced to 30 messages a minute with no burst.
 * The random extra wait between sends comes from the pacing layer (core/resilience/job-pacing
 * adds jitter to every delayed job), not from here.
 */
export const EVOLUTION_DEFAULT_PACING: Readonly<{ ratePerSecond: number; burst: number }> = {
  ratePerSecond: 0.5,
  burst: 1,
};
