import { and, asc, eq, gte, inArray, lte, sql } from 'drizzle-orm';
import type { Organisation } from '../config/index.js';
import type { Channel } from '../channels/index.js';
import type { Db } from '../db/index.js';
import { tickets } from '../tickets/schema.js';
import { ticketLabel } from '../tickets/label.js';
import { outbox } from './schema.js';
import type { OutboxRow } from './outbox.js';

export type BundlingRules = Organisation['paging'];

/**
 * SMS and email are bundled: fifty texts in a minute help nobody. Slack is not: its one channel post per
 * emergency is what the room watches, and Slack threads it. Calls are per ticket escalation step.
 */
const BUNDLED: readonly Channel[] = ['sms', 'email'];
const HOUR = 3_600_000;

/**
 * Messages to one person on one channel handed to the provider since `since` (or being handed now),
 * by when the hand-over began (a row's last attempt time), so a slow provider does not stretch the window.
 */
function sendTimes(db: Db, staffId: string, channel: Channel, since: Date): number[] {
  const handedOver = sql<number>`coalesce(${outbox.attemptedAt}, ${outbox.nextAttemptAt})`;
  return db
    .select({ at: handedOver })
    .from(outbox)
    .where(
      and(
        eq(outbox.staffId, staffId),
        eq(outbox.channel, channel),
        inArray(outbox.purpose, ['page', 'page_summary']),
        inArray(outbox.status, ['sending', 'sent', 'unknown', 'settling']),
        gte(handedOver, since.getTime()),
      ),
    )
    .all()
    .map((r) => Number(r.at))
    .sort((a, b) => a - b);
}

/** When the person may get another message: undefined if now. */
function nextSlot(
  db: Db,
  rules: BundlingRules,
  staffId: string,
  channel: Channel,
  now: Date,
  perWindow: boolean,
): number | undefined {
  const hour = sendTimes(db, staffId, channel, new Date(now.getTime() - HOUR));
  if (hour.length >= rules.hourlyLimit) return hour[hour.length - rules.hourlyLimit]! + HOUR;
  if (!perWindow) return undefined;
  const windowStart = now.getTime() - rules.burstWindowMs;
  const recent = hour.filter((t) => t > windowStart);
  if (recent.length >= rules.burst) return recent[recent.length - rules.burst]! + rules.burstWindowMs;
  return undefined;
}

/** Past a burst, a page waits (held) to go out in the person's summary; true if it was held. */
export function holdIfBursting(db: Db, rules: BundlingRules, row: OutboxRow, now: Date): boolean {
  if (!rules.bundling || row.purpose !== 'page' || !row.staffId || !BUNDLED.includes(row.channel)) return false;
  const slot = nextSlot(db, rules, row.staffId, row.channel, now, true);
  if (slot === undefined) return false;
  db.update(outbox)
    .set({ status: 'held', nextAttemptAt: new Date(slot) })
    .where(and(eq(outbox.id, row.id), eq(outbox.status, 'pending')))
    .run();
  return true;
}

/** Held pages whose time has come become one summary per person and channel; nothing is dropped. */
export function summariseHeld(db: Db, rules: BundlingRules, organisation: string, now: Date): number {
  const held = db
    .select()
    .from(outbox)
    .where(and(eq(outbox.status, 'held'), lte(outbox.nextAttemptAt, now)))
    .orderBy(asc(outbox.id))
    .all();
  const groups = new Map<string, OutboxRow[]>();
  for (const row of held)
    groups.set(`${row.staffId}\u0000${row.channel}`, [
      ...(groups.get(`${row.staffId}\u0000${row.channel}`) ?? []),
      row,
    ]);
  let made = 0;
  for (const rows of groups.values()) {
    const first = rows[0]!;
    const slot = nextSlot(db, rules, first.staffId!, first.channel, now, false);
    if (slot !== undefined) {
      db.update(outbox)
        .set({ nextAttemptAt: new Date(slot) })
        .where(
          inArray(
            outbox.id,
            rows.map((r) => r.id),
          ),
        )
        .run();
      continue;
    }
    const ticketIds = [...new Set(rows.map((r) => r.ticketId!).filter(Boolean))];
    const listed = db
      .select({ id: tickets.id, number: tickets.number, callerNumber: tickets.callerNumber })
      .from(tickets)
      .where(inArray(tickets.id, ticketIds))
      .orderBy(asc(tickets.number))
      .all();
    const labels = listed.map((t) => ticketLabel(t.number));
    const shown =
      labels.length > 25 ? `${labels.slice(0, 25).join(', ')} and ${labels.length - 25} more` : labels.join(', ');
    const body =
      first.channel === 'sms'
        ? `${labels.length} more emergencies: ${shown}. Reply ACK and a number to take one.`
        : [
            `${labels.length} more emergencies arrived for ${organisation}:`,
            '',
            ...listed.map((t) => `  ${ticketLabel(t.number)}  from ${t.callerNumber ?? 'unknown number'}`),
            '',
            'Reply ACK and a ticket number to the text message to take one.',
          ].join('\n');
    db.transaction((tx) => {
      const summary = tx
        .insert(outbox)
        .values({
          dedupeKey: `summary:${first.staffId}:${first.channel}:${first.id}`,
          channel: first.channel,
          purpose: 'page_summary',
          recipient: first.recipient,
          staffId: first.staffId,
          subject: first.channel === 'email' ? `[${organisation}] ${labels.length} more emergencies` : null,
          body,
          payload: { ticketIds },
          status: 'pending',
          attempts: 0,
          nextAttemptAt: now,
          createdAt: now,
        })
        .returning()
        .get();
      tx.update(outbox)
        .set({ status: 'bundled', providerId: `summary:${summary.id}` })
        .where(
          inArray(
            outbox.id,
            rows.map((r) => r.id),
          ),
        )
        .run();
    });
    made++;
  }
  return made;
}
