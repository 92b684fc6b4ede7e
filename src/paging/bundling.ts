import type { Organisation } from '../config/index.js';
import type { Channel } from '../channels/index.js';
import type { Q } from '../db/index.js';
import {
  handOverTimes,
  heldDue,
  holdRow,
  insertSummary,
  markBundled,
  postponeRows,
  type OutboxRow,
} from './outbox-store.js';
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

/** When the person may get another message: undefined if now. */
async function nextSlot(tx: Q, rules: BundlingRules, staffId: string, channel: Channel, now: Date, perWindow: boolean) {
  const hour = await handOverTimes(tx, staffId, channel, new Date(now.getTime() - HOUR));
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
  await holdRow(tx, row.id, new Date(slot));
  return true;
}

type HeldTicket = { number: number; callerNumber: string | null };

/** Held pages whose time has come become one summary per person and channel; nothing is dropped. */
export async function summariseHeld(tx: Q, rules: BundlingRules, ctx: RenderContext, now: Date): Promise<number> {
  const held = await heldDue(tx, now);
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
      await postponeRows(
        tx,
        rows.map((r) => r.id),
        new Date(slot),
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
    const summaryId = await insertSummary(tx, {
      dedupeKey: `summary:${first.staffId}:${first.channel}:${first.id}`,
      channel: first.channel,
      purpose: 'page_summary',
      recipient: first.recipient,
      staffId: first.staffId,
      subject: email?.subject ?? null,
      body: email?.text ?? renderSms(notice, ctx)!,
      payload: { notice: 'page_summary', ticketIds: [...new Set(rows.map((r) => r.ticketId!).filter(Boolean))] },
      nextAttemptAt: now,
      createdAt: now,
    });
    await markBundled(
      tx,
      rows.map((r) => r.id),
      summaryId,
    );
    made++;
  }
  return made;
}
