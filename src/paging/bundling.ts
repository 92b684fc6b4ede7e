import { and, asc, eq, gte, inArray, lte, sql } from 'drizzle-orm';
import type { Organisation } from '../config/index.js';
import type { Channel } from '../channels/index.js';
import type { Q } from '../db/index.js';
import { outbox } from './schema.js';
import type { OutboxRow } from './outbox-store.js';
import type { Notice, RenderContext } from './notices.js';
import { renderEmail } from './render-email.js';
import { renderSms } from './render-sms.js';

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
async function sendTimes(tx: Q, staffId: string, channel: Channel, since: Date): Promise<number[]> {
  const handedOver = sql<number>`coalesce(${outbox.attemptedAt}, ${outbox.nextAttemptAt})`;
  const rows = await tx
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
    );
  return rows.map((r) => Number(r.at)).sort((a, b) => a - b);
}

/** When the person may get another message: undefined if now. */
async function nextSlot(tx: Q, rules: BundlingRules, staffId: string, channel: Channel, now: Date, perWindow: boolean) {
  const hour = await sendTimes(tx, staffId, channel, new Date(now.getTime() - HOUR));
  if (hour.length >= rules.hourlyLimit) return hour[hour.length - rules.hourlyLimit]! + HOUR;
  if (!perWindow) return undefined;
  const windowStart = now.getTime() - rules.burstWindowMs;
  const recent = hour.filter((t) => t > windowStart);
  if (recent.length >= rules.burst) return recent[recent.length - rules.burst]! + rules.burstWindowMs;
  return undefined;
}

/** Past a burst, a page waits (held) to go out in the person's summary; true if it was held. */
export async function holdIfBursting(tx: Q, rules: BundlingRules, row: OutboxRow, now: Date): Promise<boolean> {
  if (!rules.bundling || row.purpose !== 'page' || !row.staffId || !BUNDLED.includes(row.channel)) return false;
  const slot = await nextSlot(tx, rules, row.staffId, row.channel, now, true);
  if (slot === undefined) return false;
  await tx
    .update(outbox)
    .set({ status: 'held', nextAttemptAt: new Date(slot) })
    .where(and(eq(outbox.id, row.id), eq(outbox.status, 'pending')));
  return true;
}

type HeldTicket = { number: number; callerNumber: string | null };

/** Held pages whose time has come become one summary per person and channel; nothing is dropped. */
export async function summariseHeld(tx: Q, rules: BundlingRules, ctx: RenderContext, now: Date): Promise<number> {
  const held = await tx
    .select()
    .from(outbox)
    .where(and(eq(outbox.status, 'held'), lte(outbox.nextAttemptAt, now)))
    .orderBy(asc(outbox.id));
  const groups = new Map<string, OutboxRow[]>();
  for (const row of held)
    groups.set(`${row.staffId}\u0000${row.channel}`, [
      ...(groups.get(`${row.staffId}\u0000${row.channel}`) ?? []),
      row,
    ]);
  let made = 0;
  for (const rows of groups.values()) {
    const first = rows[0]!;
    const slot = await nextSlot(tx, rules, first.staffId!, first.channel, now, false);
    if (slot !== undefined) {
      await tx
        .update(outbox)
        .set({ nextAttemptAt: new Date(slot) })
        .where(
          inArray(
            outbox.id,
            rows.map((r) => r.id),
          ),
        );
      continue;
    }
    const byNumber = new Map<number, HeldTicket>();
    for (const r of rows) {
      const t = r.payload?.ticket as HeldTicket | undefined;
      if (t) byNumber.set(t.number, t);
    }
    const tickets = [...byNumber.values()].sort((a, b) => a.number - b.number);
    const notice: Notice = { kind: 'page_summary', tickets };
    const email = first.channel === 'email' ? renderEmail(notice, ctx) : undefined;
    const [summary] = await tx
      .insert(outbox)
      .values({
        dedupeKey: `summary:${first.staffId}:${first.channel}:${first.id}`,
        channel: first.channel,
        purpose: 'page_summary',
        recipient: first.recipient,
        staffId: first.staffId,
        subject: email?.subject ?? null,
        body: email?.text ?? renderSms(notice, ctx)!,
        payload: { notice: 'page_summary', ticketIds: [...new Set(rows.map((r) => r.ticketId!).filter(Boolean))] },
        status: 'pending',
        attempts: 0,
        nextAttemptAt: now,
        createdAt: now,
      })
      .returning({ id: outbox.id });
    await tx
      .update(outbox)
      .set({ status: 'bundled', providerId: `summary:${summary!.id}` })
      .where(
        inArray(
          outbox.id,
          rows.map((r) => r.id),
        ),
      );
    made++;
  }
  return made;
}
