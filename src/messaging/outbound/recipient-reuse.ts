import type { RecipientRead } from '../contacts/recipient-read.sql';

/**
 * Recipients kept per process; the least recently used goes first. Each holds a contact id,
 * a date and the rules' facts (a small json): a few MB at most.
 */
const MAX_RECIPIENTS = 4_096;
/**
 * A kept read is used for this long after it was read: a conversation's next send comes
 * within it, and a person's identities (personal data) do not linger in memory after their
 * conversation went quiet, or after they were erased.
 */
export const RECIPIENT_REUSE_MS = 5 * 60_000;

/**
 * The recipients this process last read for accepting sends, so the next send to the same
 * person is decided on that read and stored by one statement instead of a read and an insert.
 * The insert reads the recipient again and stores only if the read still holds (its
 * fingerprint; MessagesRepository's RecipientGuard), so a kept read never lets a send through
 * on anything but the recipient's current state. Conversations are where sends repeat (an
 * agent answering, a bot's turns); a campaign's first send to each person reads as before.
 */
export class RecipientReuse {
  private readonly reads = new Map<string, { read: RecipientRead; until: number }>();

  constructor(private readonly clock: () => number = Date.now) {}

  /** The read kept under `key` while it is fresh enough; it becomes the most recently used. */
  take(key: string): RecipientRead | undefined {
    const kept = this.reads.get(key);
    if (!kept) return undefined;
    this.reads.delete(key);
    if (kept.until <= this.clock()) return undefined;
    this.reads.set(key, kept);
    return kept.read;
  }

  keep(key: string, read: RecipientRead): void {
    this.reads.delete(key);
    this.reads.set(key, { read, until: this.clock() + RECIPIENT_REUSE_MS });
    if (this.reads.size > MAX_RECIPIENTS) this.reads.delete(this.reads.keys().next().value!);
  }

  forget(key: string): void {
    this.reads.delete(key);
  }
}
