import type { IntakeDeps } from './deps.js';
import { recordUnreadable } from './intake.js';
import { doneTaking, inFlight, suspect } from './store.js';

/**
 * What a reader that died left in flight (src/email/schema.ts, mailInFlight), dealt with before anything
 * else is read: one message being taken is set aside (recorded as unreadable, marked \Seen, never read
 * again); several are each to be taken again on its own, so that a second death names the one. Marks
 * of an earlier UIDVALIDITY name nothing any more and are dropped. Returns the UIDs to take alone.
 */
export async function setAsideWhatDied(
  deps: IntakeDeps,
  mailbox: string,
  validity: string,
  headAt: (uid: number) => Promise<Buffer>,
  markSeen: (uid: number) => Promise<void>,
): Promise<Set<number>> {
  const log = deps.log.child({ component: 'mailbox' });
  const marks = await inFlight(deps.db.q, mailbox);
  const current = marks.filter((m) => m.uid.startsWith(`${mailbox}|${validity}|`));
  for (const m of marks.filter((m) => !current.includes(m)))
    await deps.db.withTransaction((tx) => doneTaking(tx, m.uid));
  const uidOf = (marker: string) => Number(marker.split('|').pop());
  const taking = current.filter((m) => !m.suspect);
  if (taking.length === 1) {
    const marker = taking[0]!.uid;
    const uid = uidOf(marker);
    const head = await headAt(uid);
    if (head.length) {
      await recordUnreadable(
        deps,
        head,
        'the service stopped while it was being taken; set aside so that it is not read again',
        {
          marker,
          key: `aside:${marker}`,
        },
      );
      await markSeen(uid);
    } else await deps.db.withTransaction((tx) => doneTaking(tx, marker));
    log.error({ uid }, 'a message was being taken when the service stopped: it is set aside, not read again');
  } else if (taking.length > 1) {
    await deps.db.withTransaction((tx) =>
      suspect(
        tx,
        taking.map((m) => m.uid),
      ),
    );
    log.warn(
      { uids: taking.map((m) => uidOf(m.uid)) },
      'messages were being taken when the service stopped: each is taken again on its own',
    );
  }
  return new Set((await inFlight(deps.db.q, mailbox)).filter((m) => m.suspect).map((m) => uidOf(m.uid)));
}
