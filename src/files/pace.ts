/**
 * How fast files move through the service: a token bucket per client and one for everyone. Moving bytes
 * costs the one event loop that also answers calls and sends pages, so no client (and no crowd of them)
 * may take all of it: past its rate a transfer waits before its next chunk, and the connection's own flow
 * control holds back the other end.
 */
class Bucket {
  private tokens: number;
  private at = performance.now();
  constructor(
    private readonly bytesPerSecond: number,
    private readonly burst: number,
  ) {
    this.tokens = burst;
  }

  /** Takes `bytes` (the bucket may go into debt); how long the taker waits for the debt to be paid, in ms. */
  take(bytes: number): number {
    const now = performance.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.at) / 1000) * this.bytesPerSecond) - bytes;
    this.at = now;
    return this.tokens >= 0 ? 0 : (-this.tokens / this.bytesPerSecond) * 1000;
  }
}

const MB = 1024 * 1024;
/** One client's files, and everyone's together, in bytes a second. */
export const CLIENT_BYTES_PER_SECOND = 8 * MB;
export const TOTAL_BYTES_PER_SECOND = 24 * MB;

const everyone = new Bucket(TOTAL_BYTES_PER_SECOND, 2 * MB);
const clients = new Map<number, Bucket>();

/** Waits until `bytes` of a transfer for this client (null: staff, or no client) may move. */
export async function paceTransfer(clientId: number | null, bytes: number): Promise<void> {
  let own: Bucket | undefined;
  if (clientId !== null) {
    own = clients.get(clientId);
    if (!own) clients.set(clientId, (own = new Bucket(CLIENT_BYTES_PER_SECOND, 2 * MB)));
  }
  const wait = Math.max(own?.take(bytes) ?? 0, everyone.take(bytes));
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
}
