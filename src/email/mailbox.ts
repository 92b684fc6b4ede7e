import { mkdtemp, rm } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MailboxTarget } from '../config/index.js';
import { errorMessage, releaseLease, takeLease } from '../db/index.js';
import type { IntakeDeps } from './deps.js';
import { recordUnreadable, takeMessage } from './intake.js';
import { MAX_MESSAGE_BYTES } from './limits.js';
import { lanesOf } from './lanes.js';
import { reportMailbox, mailboxName } from './status.js';
import { setAsideWhatDied } from './aside.js';
import { downloadTo, fetchSources, headOfMessage, imapClient, type ImapFlow } from './imap.js';
import { doneTaking, markTaking } from './store.js';
import type { RawMessage } from './parser-pool.js';

export interface Mailbox {
  stop(): Promise<void>;
}

const FIRST_RETRY_MS = 1_000;
/** Besides IDLE's news, the mailbox is read this often: a server whose IDLE misses a message loses nothing. */
const POLL_MS = 60_000;
const LONGEST_RETRY_MS = 60_000;
/** One instance reads the mailbox at a time; its lease is renewed this often, and runs out after LEASE_MS. */
const RENEW_MS = 10_000;
const LEASE_MS = 30_000;
/** Messages fetched in one round trip, and roughly how many bytes of them. */
const BATCH_MESSAGES = 50;
const BATCH_BYTES = 8 * 1024 * 1024;
/** A message larger than this is streamed to a file and taken on its own, never held whole in memory. */
export const LARGE_BYTES = 1024 * 1024;
/**
 * Messages taken at once on PostgreSQL, each in its own transaction holding one connection, so a backlog
 * leaves most of the pool to calls. In bench:email's backlog of 5,000: one at a time 70 msg/s; four at
 * once 103. SQLite has one writer: it takes them one at a time.
 */
const TAKEN_AT_ONCE_POSTGRES = 4;
const GIVE_UP_AFTER_TRIES = 5;
const GIVE_UP_AFTER_MS = 10 * 60_000;

/**
 * Reads the helpdesk mailbox: every unseen message is taken (src/email/intake.ts) and only then marked
 * \Seen, so a crash between the two reads it again and the key makes that harmless. Between readings the
 * connection IDLEs and the server says when mail arrives; a dropped connection is opened again with a
 * growing pause (1 s to a minute). TLS certificates are checked (imaps://).
 *
 * One instance reads at a time (a lease renewed every 10 s). Before each message is read, a mark that
 * it is being taken is committed; the mark goes with what the message becomes. A mark found when a
 * reader starts belongs to a reader that died while taking that message: it is set aside (recorded as
 * unreadable, marked \Seen, never read again) before anything else is read. Where a reader died with
 * several in flight, each is taken again on its own, so that a second death names the one.
 */
export function startMailbox(deps: IntakeDeps, target: MailboxTarget, options: { instance?: string } = {}): Mailbox {
  const log = deps.log.child({ component: 'mailbox' });
  const clock = deps.tickets.clock;
  const name = mailboxName(target);
  const holder = options.instance ?? `${hostname()}:${process.pid}`;
  let stopped = false;
  let holding = false;
  let client: ImapFlow | undefined;
  let validity = '';
  let retryMs = FIRST_RETRY_MS;
  let retryTimer: NodeJS.Timeout | undefined;
  let draining: Promise<void> | undefined;
  let drainAgain = false;
  let unreachable: { since: Date; error: string } | undefined;
  /** UIDs to be taken each on its own: in flight when a reader died beside others. */
  let alone = new Set<number>();
  const spool = mkdtemp(join(tmpdir(), 'switchboard-mail-'));
  const markerOf = (uid: number) => `${name}|${validity}|${uid}`;

  // Messages whose taking failed, by UID: a message that fails every time is given up on (reported, left
  // unread by people) rather than tried forever; a database outage makes every message fail, so it is given
  // up on only after several tries spread over ten minutes.
  const failures = new Map<number, { count: number; first: number }>();

  const takeOne = async (uid: number, raw: RawMessage, bytes?: number): Promise<boolean> => {
    const marker = markerOf(uid);
    try {
      await deps.db.withTransaction((tx) => markTaking(tx, marker, clock.now()));
      if (bytes) log.info({ uid, bytes }, 'taking a large message');
      await takeMessage(deps, raw, { marker });
      failures.delete(uid);
      alone.delete(uid);
      return true;
    } catch (err) {
      // It did not end the process: the mark goes, and the message is read again (or given up on below).
      await deps.db.withTransaction((tx) => doneTaking(tx, marker)).catch(() => undefined);
      const seen = failures.get(uid) ?? { count: 0, first: Date.now() };
      seen.count += 1;
      failures.set(uid, seen);
      if (seen.count >= GIVE_UP_AFTER_TRIES && Date.now() - seen.first >= GIVE_UP_AFTER_MS) {
        try {
          const head = raw.bytes ? raw.bytes.subarray(0, 64 * 1024) : await headAt(uid);
          await recordUnreadable(deps, head, `taking it failed ${seen.count} times: ${errorMessage(err)}`);
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

  /** The first 64 KB of a message: its headers, for a record of a message that is not read whole. */
  const headAt = async (uid: number): Promise<Buffer> => (client ? headOfMessage(client, uid) : Buffer.alloc(0));

  /** A message too large to hold in memory: streamed to a file, taken from there, the file removed. */
  const takeLarge = async (c: ImapFlow, uid: number, size: number): Promise<boolean> => {
    const limit = deps.maxMessageBytes ?? MAX_MESSAGE_BYTES;
    if (size > limit) {
      const why = `the message is ${(size / 1048576).toFixed(1)} MB, over the limit of ${(limit / 1048576).toFixed(1)} MB`;
      await recordUnreadable(deps, await headAt(uid), why);
      return true;
    }
    const path = join(await spool, `${uid}.eml`);
    try {
      if (!(await downloadTo(c, uid, path))) return false;
      return await takeOne(uid, { path }, size);
    } finally {
      await rm(path, { force: true });
    }
  };

  /** Takes a fetched batch of small messages, lane by lane (src/email/lanes.ts); returns the UIDs taken. */
  const takeBatch = async (batch: number[], sources: Map<number, Buffer>): Promise<number[]> => {
    const queue = lanesOf(batch.filter((uid) => sources.has(uid)).map((uid) => ({ uid, head: sources.get(uid)! })));
    const taken = new Set<number>();
    const worker = async () => {
      for (let next = queue.shift(); next && !stopped; next = queue.shift())
        for (const uid of next) {
          if (stopped) return;
          if (await takeOne(uid, { bytes: sources.get(uid)! })) taken.add(uid);
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
    const own = (uid: number) => alone.has(uid) || (sizes.get(uid) ?? 0) > LARGE_BYTES;
    let i = 0;
    while (i < uids.length && !stopped) {
      const first = uids[i]!;
      if (own(first)) {
        i++;
        const size = sizes.get(first) ?? 0;
        const done =
          size > LARGE_BYTES
            ? await takeLarge(c, first, size)
            : (await takeBatch([first], await fetchSources(c, [first]))).length > 0;
        if (done) await c.messageFlagsAdd(String(first), ['\\Seen'], { uid: true });
        continue;
      }
      const batch: number[] = [];
      let bytes = 0;
      while (
        i < uids.length &&
        !own(uids[i]!) &&
        batch.length < BATCH_MESSAGES &&
        (batch.length === 0 || bytes < BATCH_BYTES)
      ) {
        bytes += sizes.get(uids[i]!) ?? 0;
        batch.push(uids[i++]!);
      }
      const taken = await takeBatch(batch, await fetchSources(c, batch));
      // \Seen only after each message's commit; a crash before this reads them again, and their keys make that harmless.
      if (taken.length) await c.messageFlagsAdd(taken.join(','), ['\\Seen'], { uid: true });
    }
  };

  const setAside = async (c: ImapFlow) => {
    alone = await setAsideWhatDied(deps, name, validity, headAt, (uid) =>
      c.messageFlagsAdd(String(uid), ['\\Seen'], { uid: true }).then(() => undefined),
    );
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
    if (stopped || !holding || client) return;
    const c = await imapClient(target);
    c.on('error', (err: unknown) => log.warn({ err: errorMessage(err) }, 'mailbox connection error'));
    c.on('close', () => {
      if (client === c) client = undefined;
      if (!stopped && holding) scheduleReconnect();
    });
    c.on('exists', () => void drain());
    try {
      await c.connect();
      const opened = await c.mailboxOpen(target.folder);
      // UIDs name other messages after a new UIDVALIDITY; the keys, not the UIDs, say what was taken.
      validity = String(opened.uidValidity);
      failures.clear();
      client = c;
      retryMs = FIRST_RETRY_MS;
      await report(undefined);
      log.info({ folder: target.folder }, 'reading the helpdesk mailbox');
      await setAside(c);
      await drain();
    } catch (err) {
      if (client === c) client = undefined;
      await report(errorMessage(err));
      log.warn({ err: errorMessage(err), retryInMs: retryMs }, 'could not open the helpdesk mailbox');
      c.close();
    }
  };

  /** What staff and /healthz see of the mailbox: reachable, or not since when and why. */
  const report = async (error: string | undefined) => {
    if (error === undefined) unreachable = undefined;
    else unreachable ??= { since: clock.now(), error };
    await reportMailbox(deps.db, name, unreachable, clock.now()).catch(() => undefined);
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

  /** Takes or renews the lease; a reader that lost it stops reading, one that got it starts. */
  const renew = async () => {
    if (stopped) return;
    const now = clock.now();
    let mine = holding;
    try {
      mine = await deps.db.withTransaction((tx) =>
        takeLease(tx, `mailbox:${name}`, holder, now, new Date(now.getTime() + LEASE_MS)),
      );
    } catch (err) {
      log.warn({ err: errorMessage(err) }, 'could not renew the lease on the mailbox');
    }
    if (mine && !holding) {
      holding = true;
      void connect();
    } else if (!mine && holding) {
      holding = false;
      log.warn('another instance reads the helpdesk mailbox now');
      const c = client;
      client = undefined;
      c?.close();
    } else if (holding) await report(unreachable?.error);
  };

  void renew();
  const renewer = setInterval(() => void renew(), RENEW_MS);
  renewer.unref();
  const poller = setInterval(() => void drain(), POLL_MS);
  poller.unref();
  return {
    stop: async () => {
      stopped = true;
      clearInterval(poller);
      clearInterval(renewer);
      if (retryTimer) clearTimeout(retryTimer);
      await draining;
      const c = client;
      client = undefined;
      if (c) await c.logout().catch(() => c.close());
      if (holding)
        await deps.db.withTransaction((tx) => releaseLease(tx, `mailbox:${name}`, holder)).catch(() => undefined);
      await rm(await spool, { recursive: true, force: true });
    },
  };
}
