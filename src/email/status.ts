import type { MailboxTarget } from '../config/index.js';
import { readStatesLike, writeState, type Database, type ReadQ } from '../db/index.js';

const PREFIX = 'mailbox-status:';
/** A status the reader has not renewed for this long means nobody is reading the mailbox. */
const STALE_MS = 2 * 60_000;

/** The mailbox as leases and the status name it: its user, server and folder (never the password). */
export const mailboxName = (t: MailboxTarget) => `${t.user}@${t.host}:${t.port}/${t.folder}`;

interface Reported {
  at: string;
  unreachableSince?: string;
  error?: string;
}

/** The reader says how the mailbox is, on every renewal of its lease (every 10 s) and when that changes. */
export async function reportMailbox(
  db: Database,
  name: string,
  unreachable: { since: Date; error: string } | undefined,
  now: Date,
): Promise<void> {
  const status: Reported = {
    at: now.toISOString(),
    ...(unreachable
      ? { unreachableSince: unreachable.since.toISOString(), error: unreachable.error.slice(0, 300) }
      : {}),
  };
  await db.withTransaction((tx) => writeState(tx, `${PREFIX}${name}`, JSON.stringify(status), now));
}

/** What is wrong with the helpdesk mailbox, in words for staff (the error itself is for the log and the API). */
export interface MailboxProblem {
  mailbox: string;
  since: Date;
  text: string;
  error?: string;
}

/**
 * Mailboxes that are not being read: unreachable since a moment, or with no reader reporting for two
 * minutes. `only`: the mailboxes configured now (a status left by an earlier configuration says nothing).
 */
export async function mailboxProblems(q: ReadQ, now: Date, only?: string[]): Promise<MailboxProblem[]> {
  const problems: MailboxProblem[] = [];
  for (const { key, value } of await readStatesLike(q, PREFIX)) {
    const mailbox = key.slice(PREFIX.length);
    if (only && !only.includes(mailbox)) continue;
    let status: Reported;
    try {
      status = JSON.parse(value) as Reported;
    } catch {
      continue;
    }
    const at = new Date(status.at);
    if (status.unreachableSince)
      problems.push({
        mailbox,
        since: new Date(status.unreachableSince),
        text: 'The helpdesk mailbox is not reachable',
        error: status.error,
      });
    else if (now.getTime() - at.getTime() > STALE_MS)
      problems.push({ mailbox, since: at, text: 'The helpdesk mailbox has not been read' });
  }
  return problems;
}
