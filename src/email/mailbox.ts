import { ImapFlow } from 'imapflow';
import type { MailboxTarget } from '../config/index.js';
import { errorMessage } from '../db/index.js';
import { recordUnreadable, takeMessage, threadOf, type IntakeDeps } from './intake.js';

export interface Mailbox {
  stop(): Promise<void>;
}

const FIRST_RETRY_MS = 1_000;
/** Besides IDLE's news, the mailbox is read this often: a server whose IDLE misses a message loses nothing. */
const POLL_MS = 60_000;
const LONGEST_RETRY_MS = 60_000;
/** Messages fetched in one round trip, and roughly how many bytes of them. */
const BATCH_MESSAGES = 50;
const BATCH_BYTES = 8 * 1024 * 1024;
/**
 * Messages taken at once on PostgreSQL, each in its own transaction holding one connection, so a backlog
 * leaves most of the pool to calls. Ticket numbers come from one counter row locked to each commit, so
 * the tickets themselves still open one at a time; what overlaps is the parsing and the reads. In
 * bench:email's backlog of 5,000: one at a time 70 msg/s; four at once 78, and 103 with the sender
 * looked up before the transaction. SQLite has one writer: it takes them one at a time.
 */
const TAKEN_AT_ONCE_POSTGRES = 4;
const GIVE_UP_AFTER_TRIES = 5;
const GIVE_UP_AFTER_MS = 10 * 60_000;

/**
 * Reads the helpdesk mailbox: every unseen message is taken (src/email/intake.ts) and only then marked
 * \Seen, so a crash between the two reads it again and the key makes that harmless. Between readings
 * the connection IDLEs and the server says when mail arrives; a dropped connection is opened again
 * with a growing pause (1 s to a minute). TLS certificates are checked (imaps://).
 */
export function startMailbox(deps: IntakeDeps, target: MailboxTarget): Mailbox {
  const log = deps.log.child({ component: 'mailbox' });
  let stopped = false;
  let client: ImapFlow | undefined;
  let retryMs = FIRST_RETRY_MS;
  let retryTimer: NodeJS.Timeout | undefined;
  let draining: Promise<void> | undefined;
  let drainAgain = false;

  // Messages whose taking failed, by UID: a message that fails every time is given up on (reported, left
  // unread by people) rather than tried forever; a database outage makes every message fail, so it is given
  // up on only after several tries spread over ten minutes.
  const failures = new Map<number, { count: number; first: number }>();

  const takeOne = async (uid: number, source: Buffer): Promise<boolean> => {
    try {
      await takeMessage(deps, source);
      failures.delete(uid);
      return true;
    } catch (err) {
      const seen = failures.get(uid) ?? { count: 0, first: Date.now() };
      seen.count += 1;
      failures.set(uid, seen);
      if (seen.count >= GIVE_UP_AFTER_TRIES && Date.now() - seen.first >= GIVE_UP_AFTER_MS) {
        try {
          await recordUnreadable(deps, source, `taking it failed ${seen.count} times: ${errorMessage(err)}`);
          failures.delete(uid);
          return true;
        } catch {
          // The database is not answering at all: try again later.
        }
      }
      log.error({ uid, err: errorMessage(err) }, 'a message could not be taken; it will be read again');
      return false;
    }
  };

  /**
   * Takes a fetched batch; returns the UIDs taken. Messages that must be taken in order share a lane:
   * one sender's (their hourly ticket limit and refusal notice depend on what came before), and a
   * message and the replies to it in the same batch (a reply-all from a colleague must find the ticket
   * the first message opens). Lanes run side by side up to the engine's limit, each in mailbox order.
   */
  const takeBatch = async (batch: number[], sources: Map<number, Buffer>): Promise<number[]> => {
    const uids = batch.filter((uid) => sources.has(uid));
    const lane = new Map<number, number>(uids.map((uid) => [uid, uid]));
    const find = (uid: number): number => {
      let root = uid;
      while (lane.get(root) !== root) root = lane.get(root)!;
      lane.set(uid, root);
      return root;
    };
    const join = (a: number, b: number) => lane.set(find(b), find(a));
    const firstBy = new Map<string, number>();
    for (const uid of uids) {
      const { from, messageId, answers } = threadOf(sources.get(uid)!);
      for (const key of [from && `from:${from}`, ...answers.map((id) => `id:${id}`)])
        if (key && firstBy.has(key)) join(firstBy.get(key)!, uid);
      for (const key of [from && `from:${from}`, messageId && `id:${messageId}`])
        if (key && !firstBy.has(key)) firstBy.set(key, uid);
    }
    const lanes = new Map<number, number[]>();
    for (const uid of uids) {
      const root = find(uid);
      if (lanes.has(root)) lanes.get(root)!.push(uid);
      else lanes.set(root, [uid]);
    }
    const queue = [...lanes.values()];
    const taken = new Set<number>();
    const worker = async () => {
      for (let next = queue.shift(); next && !stopped; next = queue.shift())
        for (const uid of next) {
          if (stopped) return;
          if (await takeOne(uid, sources.get(uid)!)) taken.add(uid);
        }
    };
    const atOnce = deps.db.engine === 'postgres' ? TAKEN_AT_ONCE_POSTGRES : 1;
    await Promise.all(Array.from({ length: Math.min(atOnce, queue.length) }, worker));
    return batch.filter((uid) => taken.has(uid));
  };

  const drainOnce = async (c: ImapFlow) => {
    const uids = ((await c.search({ seen: false }, { uid: true })) || []).sort((a, b) => a - b);
    if (uids.length === 0) return;
    // Sizes first, so each fetch brings a batch of messages (one round trip) without holding too much.
    const sizes = new Map<number, number>();
    for await (const m of c.fetch(uids.join(','), { uid: true, size: true }, { uid: true }))
      sizes.set(m.uid, m.size ?? 0);
    let i = 0;
    while (i < uids.length && !stopped) {
      const batch: number[] = [];
      let bytes = 0;
      while (i < uids.length && batch.length < BATCH_MESSAGES && (batch.length === 0 || bytes < BATCH_BYTES)) {
        bytes += sizes.get(uids[i]!) ?? 0;
        batch.push(uids[i++]!);
      }
      const sources = new Map<number, Buffer>();
      for await (const m of c.fetch(batch.join(','), { uid: true, source: true }, { uid: true }))
        if (m.source) sources.set(m.uid, m.source);
      const taken = await takeBatch(batch, sources);
      // \Seen only after each message's commit; a crash before this reads them again, and their keys make that harmless.
      if (taken.length) await c.messageFlagsAdd(taken.join(','), ['\\Seen'], { uid: true });
    }
  };

  const drain = (): Promise<void> => {
    const c = client;
    if (!c || stopped) return Promise.resolve();
    if (draining) {
      drainAgain = true;
      return draining;
    }
    draining = (async () => {
      do {
        drainAgain = false;
        await drainOnce(c);
      } while (drainAgain && !stopped);
    })()
      .catch((err: unknown) => {
        log.warn({ err: errorMessage(err) }, 'reading the mailbox failed; it is read again on the next pass');
      })
      .finally(() => {
        draining = undefined;
      });
    return draining;
  };

  const connect = async () => {
    if (stopped) return;
    const c = new ImapFlow({
      host: target.host,
      port: target.port,
      secure: target.secure,
      auth: { user: target.user, pass: target.password },
      logger: false,
      // Plain imap:// only where TLS is not offered (a local server); imaps:// checks the certificate.
      doSTARTTLS: target.secure ? undefined : false,
      connectionTimeout: 15_000,
      greetingTimeout: 15_000,
      socketTimeout: 5 * 60_000,
      // IDLE again a moment after each reading: until IDLE starts the server cannot say that mail arrived,
      // so mail landing in between waits for it (imapflow's default is 15 s; 500 ms measured as the whole
      // of a message's median wait in bench:email).
      autoIdleDelay: 100,
    });
    c.on('error', (err: unknown) => log.warn({ err: errorMessage(err) }, 'mailbox connection error'));
    c.on('close', () => {
      if (client === c) client = undefined;
      if (!stopped) scheduleReconnect();
    });
    c.on('exists', () => void drain());
    try {
      await c.connect();
      await c.mailboxOpen(target.folder);
      // UIDs name other messages after a new UIDVALIDITY; the keys, not the UIDs, say what was taken.
      failures.clear();
      client = c;
      retryMs = FIRST_RETRY_MS;
      log.info({ folder: target.folder }, 'reading the helpdesk mailbox');
      await drain();
    } catch (err) {
      log.warn({ err: errorMessage(err), retryInMs: retryMs }, 'could not open the helpdesk mailbox');
      c.close();
    }
  };

  const scheduleReconnect = () => {
    if (stopped || retryTimer) return;
    const wait = retryMs;
    retryMs = Math.min(retryMs * 2, LONGEST_RETRY_MS);
    retryTimer = setTimeout(() => {
      retryTimer = undefined;
      void connect();
    }, wait);
    retryTimer.unref();
  };

  void connect();
  const poller = setInterval(() => void drain(), POLL_MS);
  poller.unref();
  return {
    stop: async () => {
      stopped = true;
      clearInterval(poller);
      if (retryTimer) clearTimeout(retryTimer);
      await draining;
      const c = client;
      client = undefined;
      if (c) await c.logout().catch(() => c.close());
    },
  };
}
