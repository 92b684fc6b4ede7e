import { ImapFlow } from 'imapflow';
import type { MailboxTarget } from '../config/index.js';
import { errorMessage } from '../db/index.js';
import { takeMessage, type IntakeDeps } from './intake.js';

export interface Mailbox {
  stop(): Promise<void>;
}

const FIRST_RETRY_MS = 1_000;
/** Besides IDLE's news, the mailbox is read this often: a server whose IDLE misses a message loses nothing. */
const POLL_MS = 60_000;
const LONGEST_RETRY_MS = 60_000;

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

  const drainOnce = async (c: ImapFlow) => {
    const uids = (await c.search({ seen: false }, { uid: true })) || [];
    for (const uid of uids) {
      if (stopped) return;
      const message = await c.fetchOne(String(uid), { source: true }, { uid: true });
      if (!message || !message.source) continue;
      try {
        await takeMessage(deps, message.source);
      } catch (err) {
        // The database could not commit: leave it unseen, to be read on the next pass.
        log.error({ uid, err: errorMessage(err) }, 'a message could not be taken; it will be read again');
        continue;
      }
      await c.messageFlagsAdd(String(uid), ['\\Seen'], { uid: true });
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
      // IDLE again a moment after each reading (imapflow's default waits 15 s, and mail landing in
      // between would wait for it).
      autoIdleDelay: 500,
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
