import type { Organisation, StaffMember } from '../config/index.js';
import type { Tx } from '../db/index.js';
import { architects, onCallAt } from '../oncall/index.js';
import { enqueue, type NewOutboxRow } from './outbox.js';
import { startEscalation } from './escalation.js';
import { pageEmail, pageSlack, pageSms, type PageContext } from './render.js';

/** The on-call engineer at that instant and every System Architect, each once. */
export function whoToPage(tx: Tx, organisation: Organisation, at: Date): StaffMember[] {
  const onCall = onCallAt({ db: tx, clock: { now: () => at }, organisation }, at).staff;
  const people = [onCall, ...architects(organisation)];
  return people.filter((p, i) => people.findIndex((q) => q.id === p.id) === i);
}

/**
 * Writes the pages for an emergency (new or escalated) into the outbox, in the caller's transaction:
 * SMS and email to each person, one Slack post. `cause` (the timeline event) keys them, so a retried
 * webhook cannot page twice for the same event.
 */
export function planPages(
  tx: Tx,
  organisation: Organisation,
  ctx: PageContext,
  cause: number,
  now: Date,
  ackLinkFor?: (staffId: string) => string,
): StaffMember[] {
  const people = whoToPage(tx, organisation, now);
  const base = { purpose: 'page' as const, ticketId: ctx.ticket.id, nextAttemptAt: now, createdAt: now };
  const slack = pageSlack(ctx);
  const rows: NewOutboxRow[] = people.flatMap((p) => {
    const mine = { ...ctx, ackLink: ackLinkFor?.(p.id) };
    const email = pageEmail(mine);
    return [
      {
        ...base,
        dedupeKey: `page:${cause}:${p.id}:sms`,
        channel: 'sms' as const,
        recipient: p.phone,
        staffId: p.id,
        body: pageSms(mine),
      },
      {
        ...base,
        dedupeKey: `page:${cause}:${p.id}:email`,
        channel: 'email' as const,
        recipient: p.email,
        staffId: p.id,
        subject: email.subject,
        body: email.text,
      },
    ];
  });
  rows.push({
    ...base,
    dedupeKey: `page:${cause}:slack`,
    channel: 'slack',
    recipient: 'channel',
    body: slack.text,
    payload: { blocks: slack.blocks },
  });
  enqueue(tx, rows);
  startEscalation(tx, ctx.ticket.id, organisation.escalation.ackTimeoutMs, now);
  return people;
}
