import { and, eq, lte } from 'drizzle-orm';
import type { Organisation, StaffMember } from '../config/index.js';
import type { Clock } from '../calendar/index.js';
import type { Db, Tx } from '../db/index.js';
import { addEvent, ticketById } from '../tickets/repository.js';
import { architects } from '../oncall/index.js';
import { enqueue, type NewOutboxRow } from './outbox.js';
import { whoToPage } from './plan.js';
import { escalations } from './schema.js';
import { ticketLabel } from '../tickets/label.js';

export type Escalation = typeof escalations.$inferSelect;

/** Starts the schedule for an emergency (once per ticket; a repeat emergency keeps the running one). */
export function startEscalation(tx: Tx, ticketId: number, ackTimeoutMs: number, now: Date): void {
  tx.insert(escalations)
    .values({ ticketId, step: 0, nextAt: new Date(now.getTime() + ackTimeoutMs), status: 'active', updatedAt: now })
    .onConflictDoNothing({ target: escalations.ticketId })
    .run();
}

export function stopEscalation(tx: Tx, ticketId: number, now: Date): void {
  tx.update(escalations)
    .set({ status: 'stopped', updatedAt: now })
    .where(and(eq(escalations.ticketId, ticketId), eq(escalations.status, 'active')))
    .run();
}

export interface EscalationDeps {
  db: Db;
  clock: Clock;
  organisation: Organisation;
  publicUrl: string;
  onOutbox: () => void;
}

interface StepPlan {
  /** What this step sends, to whom. */
  rows: (people: {
    onCall: StaffMember;
    architects: StaffMember[];
    everyone: StaffMember[];
  }) => { person: StaffMember; channel: 'sms' | 'email' | 'voice' }[];
  label: string;
}

/**
 * The policy, one step after each ack_timeout without an acknowledgement: page everyone again and
 * phone the on-call engineer, then phone the architects; repeated `escalation.repeat` times.
 */
const STEPS: StepPlan[] = [
  {
    label: 'paged again and phoned the on-call engineer',
    rows: ({ onCall, everyone }) => [
      ...everyone.flatMap((person) => [
        { person, channel: 'sms' as const },
        { person, channel: 'email' as const },
      ]),
      { person: onCall, channel: 'voice' },
    ],
  },
  {
    label: 'phoned the architects',
    rows: ({ architects: list }) => list.map((person) => ({ person, channel: 'voice' as const })),
  },
];

/** One due step: "when next, and whether to stop". */
function runStep(tx: Tx, deps: EscalationDeps, esc: Escalation, now: Date): void {
  const ticket = ticketById(tx, esc.ticketId);
  const stop = (status: 'stopped' | 'exhausted') =>
    tx.update(escalations).set({ status, updatedAt: now }).where(eq(escalations.id, esc.id)).run();
  if (!ticket || ticket.status !== 'new') return void stop('stopped');
  const total = STEPS.length * Math.max(1, deps.organisation.escalation.repeat);
  if (esc.step >= total) {
    addEvent(tx, ticket.id, now, 'note', { text: 'escalation finished without an acknowledgement' }, 'switchboard');
    return void stop('exhausted');
  }
  const plan = STEPS[esc.step % STEPS.length]!;
  const everyone = whoToPage(tx, deps.organisation, now);
  const onCall = everyone[0]!;
  const targets = plan.rows({ onCall, architects: architects(deps.organisation), everyone });
  const label = ticketLabel(ticket.number);
  const rows: NewOutboxRow[] = targets.map(({ person, channel }) => ({
    dedupeKey: `esc:${esc.id}:${esc.step}:${person.id}:${channel}`,
    channel,
    purpose: 'page',
    recipient: channel === 'email' ? person.email : person.phone,
    staffId: person.id,
    ticketId: ticket.id,
    subject: channel === 'email' ? `[${deps.organisation.name}] STILL UNACKNOWLEDGED ${label}` : null,
    body:
      channel === 'voice'
        ? `phone call about ${label}`
        : `STILL UNACKNOWLEDGED ${label} (emergency from ${ticket.callerNumber ?? 'unknown number'}). Reply ACK ${ticket.number} to take it.`,
    payload:
      channel === 'voice'
        ? { url: `${deps.publicUrl}/twilio/voice/page?ticket=${ticket.id}&staff=${encodeURIComponent(person.id)}` }
        : null,
    nextAttemptAt: now,
    createdAt: now,
  }));
  enqueue(tx, rows);
  addEvent(
    tx,
    ticket.id,
    now,
    'escalated',
    { step: esc.step + 1, action: plan.label, to: [...new Set(targets.map((t) => t.person.id))] },
    'switchboard',
  );
  tx.update(escalations)
    .set({
      step: esc.step + 1,
      nextAt: new Date(now.getTime() + deps.organisation.escalation.ackTimeoutMs),
      updatedAt: now,
    })
    .where(eq(escalations.id, esc.id))
    .run();
}

/** Runs every step that is due; called by the scheduler every few seconds. */
export function runDueEscalations(deps: EscalationDeps): number {
  const now = deps.clock.now();
  const due = deps.db
    .select()
    .from(escalations)
    .where(and(eq(escalations.status, 'active'), lte(escalations.nextAt, now)))
    .all();
  for (const esc of due) deps.db.transaction((tx) => runStep(tx, deps, esc, now));
  if (due.length) deps.onOutbox();
  return due.length;
}
