/**
 * A small deterministic PRNG (mulberry32), so a generated case is reproduced from its seed.
 * Not for anything secret.
 */
export class SeededRandom {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** A generator for case `index` of a run: the case can be rebuilt alone, in any order. */
  static forCase(seed: number, index: number): SeededRandom {
    return new SeededRandom(
      Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(index, 0xc2b2ae35),
    );
  }

  /** In [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [0, below). */
  int(below: number): number {
    return Math.floor(this.next() * below);
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from an empty list');
    return items[this.int(items.length)];
  }

  hex(length: number): string {
    return Array.from({ length }, () => this.int(16).toString(16)).join('');
  }

  /** A version 4 UUID from this generator, so it is the same on a replay. */
  uuid(): string {
    const hex = this.hex(32);
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20)}`;
  }
}

/** A fresh seed (a random fuzz run), or RESILIENCE_SEED to replay one; printed by the scenario. */
export function runSeed(): number {
  const given = Number(process.env.RESILIENCE_SEED);
  return Number.isInteger(given) && given > 0 ? given : 1 + Math.floor(Math.random() * 2 ** 31);
}
