import { request, IncomingMessage } from 'node:http';

/** One message of a text/event-stream, as a browser's EventSource would see it. */
export interface SseMessage {
  id?: string;
  event: string;
  data: string;
}

/**
 * A minimal EventSource for tests and the bench: opens a stream, parses its messages as they
 * arrive (comments counted as heartbeats), and waits for what a test expects. It never
 * reconnects on its own: reconnecting is what tests exercise.
 */
export class SseTestClient {
  readonly messages: SseMessage[] = [];
  heartbeats = 0;
  ended = false;
  private buffer = '';
  private listeners: (() => void)[] = [];

  private constructor(
    readonly status: number,
    readonly contentType: string,
    readonly body: () => string,
    private readonly response: IncomingMessage,
    /** Called with each message instead of keeping it (the bench timestamps them). */
    private readonly onMessage?: (message: SseMessage) => void,
  ) {}

  static open(
    url: string,
    headers: Record<string, string> = {},
    onMessage?: (message: SseMessage) => void,
  ): Promise<SseTestClient> {
    return new Promise((resolve, reject) => {
      const req = request(
        url,
        // no keep-alive pool: a finished 401 must not hold the process open
        { agent: false, headers: { accept: 'text/event-stream', ...headers } },
        (res) => {
          let text = '';
          const client = new SseTestClient(
            res.statusCode ?? 0,
            String(res.headers['content-type'] ?? ''),
            () => text,
            res,
            onMessage,
          );
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => {
            text = client.status === 200 ? '' : text + chunk;
            if (client.status === 200) client.feed(chunk);
          });
          const end = () => {
            client.ended = true;
            client.notify();
          };
          res.on('end', end).on('close', end).on('error', end);
          resolve(client);
        },
      );
      req.on('error', reject);
      req.end();
    });
  }

  /** Messages carrying events (with an id), parsed. */
  events<T = Record<string, unknown>>(): (T & { sseId: string; sseEvent: string })[] {
    return this.messages
      .filter((m) => m.id !== undefined)
      .map((m) => ({ ...(JSON.parse(m.data) as T), sseId: m.id!, sseEvent: m.event }));
  }

  /** Resolves when `done()` holds; rejects after `timeoutMs` naming what arrived. */
  until(done: (client: SseTestClient) => boolean, timeoutMs = 15_000): Promise<void> {
    if (done(this)) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.listeners = this.listeners.filter((l) => l !== check);
        reject(new Error(`stream did not get there; received ${JSON.stringify(this.messages)}`));
      }, timeoutMs);
      const check = () => {
        if (!done(this)) return;
        clearTimeout(timer);
        this.listeners = this.listeners.filter((l) => l !== check);
        resolve();
      };
      this.listeners.push(check);
    });
  }

  close(): void {
    this.response.destroy();
  }

  private feed(chunk: string): void {
    this.buffer += chunk;
    let end: number;
    while ((end = this.buffer.indexOf('\n\n')) >= 0) {
      const block = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + 2);
      const message: SseMessage = { event: 'message', data: '' };
      let fields = 0;
      for (const line of block.split('\n')) {
        if (line.startsWith(':')) this.heartbeats += 1;
        else if (line.startsWith('id: ')) message.id = line.slice(4);
        else if (line.startsWith('event: ')) message.event = line.slice(7);
        else if (line.startsWith('data: ')) message.data = line.slice(6);
        else continue;
        if (!line.startsWith(':')) fields += 1;
      }
      if (fields && message.data) {
        if (this.onMessage) this.onMessage(message);
        else this.messages.push(message);
      }
    }
    this.notify();
  }

  private notify(): void {
    for (const listener of [...this.listeners]) listener();
  }
}
