import { EventEmitter } from 'node:events';
import type { ServerResponse } from 'node:http';
import { compareStreamIds, LiveEvent, sseFrame } from './live-event';
import { SseClient, StreamFilters } from './sse-client';
import type { LogEntry } from './tenant-event-log';

/** A socket stand-in that keeps what was written and reports an unread buffer on demand. */
class FakeResponse extends EventEmitter {
  written = '';
  writableLength = 0;
  writableNeedDrain = false;
  ended = false;
  destroyed = false;
  write(chunk: string) {
    this.written += chunk;
    return true;
  }
  end(chunk: string) {
    this.written += chunk;
    this.ended = true;
  }
  destroy() {
    this.destroyed = true;
  }
}

const entry = (id: string, event: Partial<LiveEvent> = {}): LogEntry => ({
  id,
  event: {
    eventId: id,
    type: 'message.received',
    occurredAt: '2026-01-01T00:00:00.000Z',
    ...event,
  },
});

function clientOn(filters: StreamFilters = {}, start = '0-0') {
  const raw = new FakeResponse();
  const drops: string[] = [];
  const client = new SseClient(
    'c1',
    't1',
    raw as unknown as ServerResponse,
    filters,
    start,
    1_000,
    (_, reason) => drops.push(reason),
  );
  return { raw, client, drops };
}

const framed = (id: string, event: Partial<LiveEvent> = {}) => {
  const e = entry(id, event);
  return { entry: e, frame: sseFrame(id, e.event) };
};

const ids = (written: string) => [...written.matchAll(/^id: (.+)$/gm)].map((m) => m[1]);

describe('compareStreamIds', () => {
  it('orders by time, then sequence, numerically', () => {
    expect(compareStreamIds('9-0', '10-0')).toBeLessThan(0);
    expect(compareStreamIds('10-2', '10-10')).toBeLessThan(0);
    expect(compareStreamIds('10-10', '10-10')).toBe(0);
    expect(compareStreamIds('1796586780200-1', '1796586780200-0')).toBeGreaterThan(0);
  });
});

describe('SseClient', () => {
  it('holds live entries during its replay and sends each entry once, in order', () => {
    const { raw, client } = clientOn({}, '1-0');
    client.offer([framed('3-0'), framed('4-0')]);
    client.replay([framed('2-0'), framed('3-0')]);
    expect(client.goLive()).toBe(1);
    client.offer([framed('4-0'), framed('5-0')]);
    expect(ids(raw.written)).toEqual(['2-0', '3-0', '4-0', '5-0']);
  });

  it('sends only what the filters let through', () => {
    const { raw, client } = clientOn({ types: ['message.sent'], conversationIds: ['c-a'] });
    client.goLive();
    client.offer([
      framed('1-0', { type: 'message.sent', conversationId: 'c-b' }),
      framed('2-0', { type: 'message.received', conversationId: 'c-a' }),
      framed('3-0', { type: 'message.sent', conversationId: 'c-a' }),
    ]);
    expect(ids(raw.written)).toEqual(['3-0']);
  });

  it('drops itself with a close reason once the unread buffer passes the limit', () => {
    const { raw, client, drops } = clientOn();
    client.goLive();
    raw.writableLength = 1_001;
    expect(client.offer([framed('1-0')])).toBe(0);
    expect(drops).toEqual(['slow-consumer']);
    expect(raw.ended).toBe(true);
    expect(raw.written).toContain('event: close\ndata: {"reason":"slow-consumer"}');
    expect(client.isOpen).toBe(false);
    expect(client.offer([framed('2-0')])).toBe(0);
  });
});
