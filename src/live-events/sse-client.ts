import type { ServerResponse } from 'node:http';
import { compareStreamIds, LiveEvent, LiveEventType, sseControl } from './live-event';
import type { DropReason } from './live-events.metrics';
import type { LogEntry } from './tenant-event-log';

/** What a stream is narrowed to; an absent list lets everything of that kind through. */
export interface StreamFilters {
  channelAccountIds?: string[];
  conversationIds?: string[];
  types?: LiveEventType[];
}

/** An entry with its SSE frame, serialised once for all the clients it goes to. */
export interface FramedEntry {
  entry: LogEntry;
  frame: string;
}

/** Live events that arrive while a client's replay runs; more means it cannot keep up. */
const MAX_PENDING = 10_000;
/** How long a dropped client's final `close` event may take to flush before the socket goes. */
const CLOSE_GRACE_MS = 2_000;
const HEARTBEAT = ': heartbeat\n\n';

/**
 * One connected stream. Writes go straight to the socket; when the socket's unread buffer
 * exceeds the limit the client is dropped with a final `close` event instead of buffering
 * without bound. While its replay (Last-Event-ID) runs, live events are held and then sent
 * after it; `lastSentId` makes every entry go out once, in the tenant's order.
 */
export class SseClient {
  private pending: FramedEntry[] | null = [];
  private closed = false;
  private readonly channelAccountIds?: ReadonlySet<string>;
  private readonly conversationIds?: ReadonlySet<string>;
  private readonly types?: ReadonlySet<string>;

  constructor(
    readonly id: string,
    readonly tenantId: string,
    private readonly raw: ServerResponse,
    filters: StreamFilters,
    /** The entry the client has seen up to (its Last-Event-ID, or the head when it connected). */
    private lastSentId: string,
    private readonly maxBufferBytes: number,
    private readonly onDrop: (client: SseClient, reason: DropReason) => void,
  ) {
    if (filters.channelAccountIds) this.channelAccountIds = new Set(filters.channelAccountIds);
    if (filters.conversationIds) this.conversationIds = new Set(filters.conversationIds);
    if (filters.types) this.types = new Set(filters.types);
  }

  get isOpen(): boolean {
    return !this.closed;
  }

  get position(): string {
    return this.lastSentId;
  }

  /** Resolves once the socket has taken what was written (or is gone): the replay's pacing. */
  async drained(): Promise<void> {
    if (this.closed || !this.raw.writableNeedDrain) return;
    await new Promise<void>((resolve) => {
      const done = () => {
        this.raw.off('drain', done).off('close', done);
        resolve();
      };
      this.raw.on('drain', done).on('close', done);
    });
  }

  /** Live entries from the pod's reader, in order; returns how many were written. */
  offer(batch: readonly FramedEntry[]): number {
    if (this.closed) return 0;
    if (this.pending) {
      if (this.pending.length + batch.length > MAX_PENDING) this.drop('slow-consumer');
      else this.pending.push(...batch);
      return 0;
    }
    return this.send(batch);
  }

  /** Entries read by this client's replay, in order; returns how many were written. */
  replay(batch: readonly FramedEntry[]): number {
    return this.closed ? 0 : this.send(batch);
  }

  /** Replay done: what arrived meanwhile goes out, then live entries go straight through. */
  goLive(): number {
    const held = this.pending ?? [];
    this.pending = null;
    return this.closed ? 0 : this.send(held);
  }

  heartbeat(): void {
    if (!this.closed) this.write(HEARTBEAT);
  }

  /** Writes a control message (resync) outside the tenant's numbering. */
  control(event: 'resync', data: Record<string, unknown>): void {
    if (!this.closed) this.write(sseControl(event, data));
  }

  /** Ends the stream with a final `close` event naming why. */
  drop(reason: DropReason): void {
    if (this.closed) return;
    this.closed = true;
    this.onDrop(this, reason);
    this.raw.end(sseControl('close', { reason }));
    // A slow reader still gets the reason; one that does not read at all never lets the end
    // flush, so its socket and buffer are freed after a short grace.
    const timer = setTimeout(() => this.raw.destroy(), CLOSE_GRACE_MS).unref();
    this.raw.once('close', () => clearTimeout(timer));
  }

  /** The socket went away (the browser closed it, or the network did). */
  markClosed(): void {
    this.closed = true;
  }

  /** One write per batch, not per entry: a burst costs each socket one write. */
  private send(batch: readonly FramedEntry[]): number {
    let out = '';
    let count = 0;
    for (const { entry, frame } of batch) {
      if (compareStreamIds(entry.id, this.lastSentId) <= 0 || !this.matches(entry.event)) continue;
      this.lastSentId = entry.id;
      out += frame;
      count += 1;
    }
    return count && this.write(out) ? count : 0;
  }

  private matches(event: LiveEvent): boolean {
    return (
      (!this.types || this.types.has(event.type)) &&
      (!this.channelAccountIds || this.channelAccountIds.has(event.channelAccountId ?? '')) &&
      (!this.conversationIds || this.conversationIds.has(event.conversationId ?? ''))
    );
  }

  private write(chunk: string): boolean {
    this.raw.write(chunk);
    if (this.raw.writableLength > this.maxBufferBytes) {
      this.drop('slow-consumer');
      return false;
    }
    return true;
  }
}
