// What the history benchmark stores at each size: how many conversations, how the tenants
// share them, and which stretch of time each growth step covers. Pure functions, so the
// shape of the data set is visible in one place.

/** Sizes (stored messages) measured when BENCH_HISTORY_SIZES is not set. */
export const DEFAULT_SIZES = [10_000, 1_000_000, 5_000_000];

/**
 * The smallest first size: every step reserves messages for new conversations, the long ones
 * and the typical one before spreading the rest, and below this the reservations do not fit.
 */
const MIN_FIRST_SIZE = 10_000;

/** Tenants that share the data set. The first one is measured through the API. */
export interface TenantShare {
  /** Fraction of all conversations. */
  conversations: number;
  /** Fraction of every growth step's messages that goes to the tenant's one long conversation. */
  longConversation: number;
}

export const MEASURED_TENANT: TenantShare = { conversations: 0.4, longConversation: 0.02 };
export const OTHER_TENANTS: TenantShare[] = [
  { conversations: 0.25, longConversation: 0.01 },
  { conversations: 0.2, longConversation: 0.01 },
  { conversations: 0.1, longConversation: 0.01 },
  { conversations: 0.05, longConversation: 0.01 },
];

/**
 * The measured tenant's typical conversation: a regular customer whose history grows slowly
 * while the table grows fast, long enough at every size that its older page is a full page.
 */
export const TYPICAL_CONVERSATION = { firstStep: 150, laterSteps: 50 };

/**
 * Conversations in the whole data set at a size: about 100 messages each on average, and
 * never fewer than 500 so the smallest size still has a deep conversation-list page.
 */
export function conversationsAt(size: number): number {
  return Math.max(500, Math.round(size / 100));
}

/** All messages are dated within this many days before the load started. */
export const HISTORY_DAYS = 360;

export interface GrowthStep {
  index: number;
  /** Stored messages once the step is loaded. */
  size: number;
  /** Messages the step adds. */
  messages: number;
  /** Conversations in the whole data set once the step is loaded. */
  conversations: number;
  /** The step's messages are dated in [from, to): traffic is steady, so later steps are later. */
  from: Date;
  to: Date;
}

/**
 * Growth steps for increasing sizes. Time is shared out in proportion to messages (steady
 * traffic), and the last step ends an hour before `now`.
 */
export function growthSteps(sizes: readonly number[], now: Date): GrowthStep[] {
  const largest = sizes[sizes.length - 1];
  const end = now.getTime() - 3_600_000;
  const span = HISTORY_DAYS * 86_400_000;
  const at = (size: number) => new Date(end - span + (span * size) / largest);
  return sizes.map((size, index) => {
    const previous = index ? sizes[index - 1] : 0;
    return {
      index,
      size,
      messages: size - previous,
      conversations: conversationsAt(size),
      from: at(previous),
      to: at(size),
    };
  });
}

/** Reads sizes such as `10000,1000000,5000000` (also `10k,1M,5M`), strictly increasing. */
export function parseSizes(raw: string | undefined): number[] {
  if (!raw) return DEFAULT_SIZES;
  const sizes = raw.split(',').map((part) => {
    const match = /^\s*(\d+(?:\.\d+)?)\s*([kKmM]?)\s*$/.exec(part);
    if (!match) throw new Error(`BENCH_HISTORY_SIZES: "${part}" is not a number of messages`);
    const unit = { '': 1, k: 1_000, m: 1_000_000 }[match[2].toLowerCase() as '' | 'k' | 'm'];
    return Math.round(Number(match[1]) * unit);
  });
  if (sizes[0] < MIN_FIRST_SIZE) {
    throw new Error(`BENCH_HISTORY_SIZES must start at ${MIN_FIRST_SIZE} messages or more`);
  }
  if (sizes.some((size, i) => i > 0 && size <= sizes[i - 1])) {
    throw new Error('BENCH_HISTORY_SIZES must be strictly increasing');
  }
  return sizes;
}

/** `5000000` as `5M`, `10000` as `10k`, for labels. */
export function sizeLabel(size: number): string {
  if (size >= 1_000_000 && size % 100_000 === 0) return `${size / 1_000_000}M`;
  if (size >= 1_000 && size % 100 === 0) return `${size / 1_000}k`;
  return String(size);
}
