/**
 * A paced (open-loop) load: requests are sent at a fixed rate whatever the server's answers, and each
 * one's latency runs from the moment it was due, not from when a connection became free. A closed loop
 * (autocannon's N connections) measures how fast N clients waiting on each other can go; this measures
 * what a caller sees when calls arrive at a given rate. `connections` keep-alive connections are opened
 * before the clock starts; when every one is busy, due requests wait for one, and that wait counts in
 * their latency.
 *
 * Requests are prepared whole before the clock starts, so the generator spends its time on sockets.
 * Responses must carry a Content-Length (the service's and Express's do).
 */
import { connect, type Socket } from 'node:net';
import { monitorEventLoopDelay } from 'node:perf_hooks';

export interface PacedResult {
  /** Requests per second asked for, and answered over the run. */
  rate: number;
  achieved: number;
  ok: number;
  non2xx: number;
  errors: number;
  /** Milliseconds from when a request was due to its whole response. */
  p50: number;
  p99: number;
  max: number;
  /** The most requests that were due but waiting for a free connection at once. */
  queued: number;
  /** The generator's own CPU time, as a share of one core. */
  cpu: number;
  /** The generator's own longest stall (event-loop delay, ms): a latency it adds to what it measures. */
  stall: number;
}

interface Conn {
  socket: Socket;
  current: number;
  buffer: Buffer;
}

const HEADER_END = Buffer.from('\r\n\r\n');

function open(port: number): Promise<Conn> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: '127.0.0.1', noDelay: true });
    socket.once('connect', () => resolve({ socket, current: -1, buffer: Buffer.alloc(0) }));
    socket.once('error', reject);
  });
}

export async function pacedLoad(
  port: number,
  requests: Buffer[],
  rate: number,
  connections = 100,
): Promise<PacedResult> {
  const conns = await Promise.all(Array.from({ length: connections }, () => open(port)));
  const total = requests.length;
  const latencies = new Float64Array(total).fill(Infinity);
  const start = performance.now() + 20;
  const cpuBefore = process.cpuUsage();
  const loopDelay = monitorEventLoopDelay({ resolution: 5 });
  loopDelay.enable();
  const dueAt = (i: number) => start + (i * 1000) / rate;
  const free: Conn[] = [...conns];
  const backlog: number[] = [];
  let backlogHead = 0;
  let queued = 0;
  let next = 0;
  let done = 0;
  let ok = 0;
  let non2xx = 0;
  let errors = 0;
  let finished = false;

  return new Promise((resolve) => {
    const finish = () => {
      if (finished) return;
      finished = true;
      clearTimeout(deadline);
      const elapsed = (performance.now() - start) / 1000;
      const used = process.cpuUsage(cpuBefore);
      loopDelay.disable();
      for (const c of conns) c.socket.destroy();
      const sorted = latencies.sort();
      const at = (q: number) => Math.round(sorted[Math.min(total - 1, Math.floor(q * total))]!);
      resolve({
        rate,
        achieved: (ok + non2xx) / elapsed,
        ok,
        non2xx,
        errors,
        p50: at(0.5),
        p99: at(0.99),
        max: Math.round(sorted[total - 1]!),
        queued,
        cpu: (used.user + used.system) / 1e6 / elapsed,
        stall: Math.round(loopDelay.max / 1e6),
      });
    };

    const complete = (i: number, status: number) => {
      if (finished) return;
      latencies[i] = performance.now() - dueAt(i);
      if (status >= 200 && status < 300) ok++;
      else if (status > 0) non2xx++;
      else errors++;
      if (++done === total) finish();
    };

    const send = (c: Conn, i: number) => {
      c.current = i;
      c.socket.write(requests[i]!);
    };

    const release = (c: Conn) => {
      if (backlogHead < backlog.length) send(c, backlog[backlogHead++]!);
      else free.push(c);
    };

    const onData = (c: Conn, chunk: Buffer) => {
      c.buffer = c.buffer.length ? Buffer.concat([c.buffer, chunk]) : chunk;
      for (;;) {
        const end = c.buffer.indexOf(HEADER_END);
        if (end < 0) return;
        const head = c.buffer.subarray(0, end).toString('latin1');
        const length = Number(/\r\ncontent-length:\s*(\d+)/i.exec(head)?.[1] ?? 0);
        if (c.buffer.length < end + 4 + length) return;
        const status = Number(head.slice(9, 12));
        c.buffer = c.buffer.subarray(end + 4 + length);
        const i = c.current;
        c.current = -1;
        complete(i, status);
        release(c);
      }
    };

    for (const c of conns) {
      c.socket.on('data', (chunk) => onData(c, chunk));
      c.socket.on('error', () => {});
      // A connection the server closed is gone for the rest of the run; its request is an error.
      c.socket.on('close', () => {
        const index = free.indexOf(c);
        if (index >= 0) free.splice(index, 1);
        if (c.current >= 0) complete(c.current, 0);
        c.current = -1;
      });
    }

    const dispatch = (i: number) => {
      // The connection idle longest: every one stays in use, so none is closed by the server as idle.
      const c = free.shift();
      if (c) send(c, i);
      else {
        backlog.push(i);
        queued = Math.max(queued, backlog.length - backlogHead);
      }
    };

    const tick = () => {
      const now = performance.now();
      while (next < total && dueAt(next) <= now) dispatch(next++);
      if (next < total) setTimeout(tick, Math.max(0, dueAt(next) - performance.now()));
    };

    // A server that stops answering: what has not come back 30 s after the last was due is an error,
    // and its latency counts as endless.
    const deadline = setTimeout(
      () => {
        errors += total - done;
        finish();
      },
      dueAt(total) - performance.now() + 30_000,
    );
    setTimeout(tick, 20);
  });
}

/** One POST request, whole, as it goes on the wire. */
export function postRequest(path: string, headers: Record<string, string>, body: string): Buffer {
  const lines = [`POST ${path} HTTP/1.1`, 'host: 127.0.0.1', `content-length: ${Buffer.byteLength(body)}`];
  for (const [k, v] of Object.entries(headers)) lines.push(`${k}: ${v}`);
  return Buffer.from(`${lines.join('\r\n')}\r\n\r\n${body}`);
}
