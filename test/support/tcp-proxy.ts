import { AddressInfo, Socket, createConnection, createServer } from 'node:net';

export interface TcpProxy {
  /** Local port clients connect to (stays the same across cut/restore). */
  readonly port: number;
  /** Simulates an outage: drops every open connection and refuses new ones. */
  cut(): Promise<void>;
  /** Ends the outage: accepts and forwards connections again. */
  restore(): Promise<void>;
  close(): Promise<void>;
}

/**
 * A TCP proxy for fault injection: point a client's URL at it (see `proxiedUrl`) and `cut()`
 * to make its server vanish, without touching the real PostgreSQL or Redis other suites use.
 * While cut the port is closed, so clients see ECONNREFUSED as in a real outage.
 */
export async function startTcpProxy(targetHost: string, targetPort: number): Promise<TcpProxy> {
  const open = new Set<Socket>();
  const server = createServer(forward);
  let listening = false;

  function forward(client: Socket): void {
    const upstream = createConnection({ host: targetHost, port: targetPort });
    for (const [from, to] of [
      [client, upstream],
      [upstream, client],
    ]) {
      open.add(from);
      from.pipe(to);
      from.on('error', () => to.destroy());
      from.on('close', () => {
        open.delete(from);
        to.destroy();
      });
    }
  }

  const listen = (port: number): Promise<number> =>
    new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        listening = true;
        resolve((server.address() as AddressInfo).port);
      });
    });

  const stop = (): Promise<void> => {
    if (!listening) return Promise.resolve();
    listening = false;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const socket of open) socket.destroy();
    return closed;
  };

  const port = await listen(0);
  return {
    port,
    cut: stop,
    async restore() {
      if (!listening) await listen(port);
    },
    close: stop,
  };
}

/** `url` with its host and port replaced by the proxy's. */
export function proxiedUrl(url: string, proxy: TcpProxy): string {
  const parsed = new URL(url);
  parsed.hostname = '127.0.0.1';
  parsed.port = String(proxy.port);
  return parsed.toString();
}

/** Starts a proxy in front of the server `url` points at. */
export function startTcpProxyFor(url: string): Promise<TcpProxy> {
  const parsed = new URL(url);
  const defaultPort = parsed.protocol.startsWith('redis') ? 6379 : 5432;
  return startTcpProxy(parsed.hostname, Number(parsed.port || defaultPort));
}
