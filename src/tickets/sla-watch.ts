import { and, inArray, isNull, lte } from 'drizzle-orm';
import type { Db } from '../db/index.js';
import type { Clock } from '../calendar/index.js';
import type { Organisation } from '../config/index.js';
import { architects, onCallAt } from '../oncall/index.js';
import { enqueue, type NewOutboxRow } from '../paging/outbox.js';
import * as repo from './repository.js';
import { OPEN_STATUSES, tickets } from './schema.js';
import { ticketLabel } from './label.js';
import { localTime, priorityName } from './notices.js';

export interface SlaWatchDeps {
  db: Db;
  clock: Clock;
  organisation: Organisation;
  publicUrl: string;
  onOutbox: () => void;
}

function textAndEmail(key: string, person: { id: string; phone: string; email: string }, ticketId: number, subject: string, body: string, now: Date): NewOutboxRow[] {
  const base = { purpose: 'notice' as const, staffId: person.id, ticketId, nextAttemptAt: now, createdAt: now };
  return [
    { ...base, dedupeKey: `${key}:${person.id}:sms`, channel: 'sms', recipient: person.phone, body },
    { ...base, dedupeKey: `${key}:${person.id}:email`, channel: 'email', recipient: person.email, subject, body },
  ];
}

/**
 * Every open ticket past 75% of its SLA time warns its assignee (or, with none, the on-call engineer),
 * once; past its deadline it is escalated to every System Architect, once. Runs every minute; the
 * flags on the ticket make a rerun or a restart send nothing twice.
 */
export function runSlaChecks(deps: SlaWatchDeps): { warned: number; breached: number } {
  const now = deps.clock.now();
  const org = deps.organisation;
  const open = inArray(tickets.status, [...OPEN_STATUSES]);
  let warned = 0;
  let breached = 0;
  deps.db.transaction((tx) => {
    const staffOf = (id: string | null) => org.staff.find((s) => s.id === id);
    const link = (n: number) => `${deps.publicUrl}/dashboard/tickets/${n}`;
    for (const t of tx.select().from(tickets).where(and(open, isNull(tickets.slaBreachedAt), lte(tickets.slaDueAt, now))).all()) {
      const label = ticketLabel(t.number);
      const body = `SLA BREACHED ${label} (${priorityName(org, t.priority)}): due ${localTime(org, t.slaDueAt!)}, still ${t.status.replace(/_/g, ' ')}${t.acknowledgedBy ? ` with ${staffOf(t.acknowledgedBy)?.name ?? t.acknowledgedBy}` : ', nobody has taken it'}. ${link(t.number)}`;
      const rows = architects(org).flatMap((a) => textAndEmail(`sla-breach:${t.id}:${t.slaDueAt!.getTime()}`, a, t.id, `[${org.name}] SLA breached: ${label}`, body, now));
      rows.push({ dedupeKey: `sla-breach:${t.id}:${t.slaDueAt!.getTime()}:slack`, channel: 'slack', purpose: 'notice', recipient: 'channel', ticketId: t.id, body: `:alarm_clock: ${body}`, nextAttemptAt: now, createdAt: now });
      enqueue(tx, rows);
      repo.updateTicket(tx, t.id, { slaBreachedAt: now, slaWarnedAt: t.slaWarnedAt ?? now });
      repo.addEvent(tx, t.id, now, 'sla_breached', { dueAt: t.slaDueAt!.toISOString(), told: architects(org).map((a) => a.id) }, 'switchboard');
      breached++;
    }
    for (const t of tx.select().from(tickets).where(and(open, isNull(tickets.slaWarnedAt), lte(tickets.slaWarnAt, now))).all()) {
      const person = staffOf(t.acknowledgedBy) ?? onCallAt({ db: tx, clock: { now: () => now }, organisation: org }, now).staff;
      const label = ticketLabel(t.number);
      const body = `SLA warning ${label} (${priorityName(org, t.priority)}): 75% of its time has gone; due ${localTime(org, t.slaDueAt!)}. ${link(t.number)}`;
      enqueue(tx, textAndEmail(`sla-warn:${t.id}:${t.slaDueAt!.getTime()}`, person, t.id, `[${org.name}] SLA warning: ${label} due ${localTime(org, t.slaDueAt!)}`, body, now));
      repo.updateTicket(tx, t.id, { slaWarnedAt: now });
      repo.addEvent(tx, t.id, now, 'sla_warning', { dueAt: t.slaDueAt!.toISOString(), told: person.id }, 'switchboard');
      warned++;
    }
  });
  if (warned || breached) deps.onOutbox();
  return { warned, breached };
}
