import { createServer, connect, type Server, type Socket } from 'node:net';

export interface StallingProxy {
  /** The target URL with its host and port replaced by the proxy's. */
  url: string;
  /**
   * Stops passing bytes on, without refusing or closing anything: the connections already open go
   * silent, and new ones are accepted but never reach the server (a failover behind a load balancer,
   * a dropped network path, a server paused with SIGSTOP). With `onlyOpen`, new connections still pass.
   */
  stall(options?: { onlyOpen?: boolean }): void;
  /** Passes bytes on again, the held-back ones first. */
  resume(): void;
  close(): Promise<void>;
}

/** A TCP path to a server (PostgreSQL here) that a test can make go silent; it listens on `host` (default 127.0.0.1). */
export async function stallingProxy(target: URL, host = '127.0.0.1'): Promise<StallingProxy> {
  const open = new Set<[Socket, Socket]>();
  let stalled = false;
  let stallNew = false;
  const held: Socket[] = [];
  const join = (client: Socket) => {
    const upstream = connect(Number(target.port), target.hostname);
    const pair: [Socket, Socket] = [client, upstream];
    open.add(pair);
    client.pipe(upstream).pipe(client);
    const forget = () => {
      open.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', forget).on('close', forget);
    upstream.on('error', forget).on('close', forget);
  };
  const server: Server = createServer((client) => {
    if (stalled && stallNew) {
      client.pause();
      client.on('error', () => client.destroy());
      held.push(client);
    } else join(client);
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const url = new URL(target);
  url.host = `${host}:${(server.address() as { port: number }).port}`;
  return {
    url: url.toString(),
    stall(options = {}) {
      stalled = true;
      stallNew = !options.onlyOpen;
      for (const [client, upstream] of open) {
        client.unpipe(upstream);
        upstream.unpipe(client);
        client.pause();
        upstream.pause();
      }
    },
    resume() {
      stalled = false;
      for (const [client, upstream] of open) {
        client.pipe(upstream).pipe(client);
        client.resume();
        upstream.resume();
      }
      for (const client of held.splice(0)) if (!client.destroyed) join(client);
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const [client, upstream] of open) {
          client.destroy();
          upstream.destroy();
        }
        for (const client of held.splice(0)) client.destroy();
        server.close(() => resolve());
      }),
  };
}
