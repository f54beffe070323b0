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
  private pending: { entry: LogEntry; frame: string }[] | null = [];
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

  /** A live entry from the pod's reader; returns whether it was written. */
  offer(entry: LogEntry, frame: string): boolean {
    if (this.closed) return false;
    if (this.pending) {
      if (this.pending.length >= MAX_PENDING) this.drop('slow-consumer');
      else this.pending.push({ entry, frame });
      return false;
    }
    return this.send(entry, frame);
  }

  /** An entry read by this client's replay; returns whether it was written. */
  replay(entry: LogEntry, frame: string): boolean {
    return !this.closed && this.send(entry, frame);
  }

  /** Replay done: what arrived meanwhile goes out, then live entries go straight through. */
  goLive(): number {
    const held = this.pending ?? [];
    this.pending = null;
    return held.filter(({ entry, frame }) => !this.closed && this.send(entry, frame)).length;
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

  private send(entry: LogEntry, frame: string): boolean {
    if (compareStreamIds(entry.id, this.lastSentId) <= 0 || !this.matches(entry.event)) {
      return false;
    }
    this.lastSentId = entry.id;
    return this.write(frame);
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
