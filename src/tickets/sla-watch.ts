import type { Db, Tx } from '../db/index.js';
import type { Clock } from '../calendar/index.js';
import type { Organisation, StaffMember } from '../config/index.js';
import { architects, onCallAt } from '../oncall/index.js';
import { enqueue, type NewOutboxRow } from '../paging/outbox.js';
import * as repo from './repository.js';
import { ticketLabel } from './label.js';
import { localTime, priorityName } from './notices.js';

export interface SlaWatchDeps {
  db: Db;
  clock: Clock;
  organisation: Organisation;
  publicUrl: string;
  onOutbox: () => void;
}

/** More than this many at once (after an outage, or an upgrade) go to each person as one summary. */
const ONE_BY_ONE = 3;
/** Tickets handled per run, so one run never holds the event loop for long; the rest go next minute. */
const PER_RUN = 500;

interface Notice {
  ticketId: number;
  key: string;
  subject: string;
  text: string;
}

/** SMS and email to one person: each notice on its own, or one summary of them all when there are many. */
function tell(
  person: StaffMember,
  notices: Notice[],
  summary: { key: string; subject: string; heading: string },
  now: Date,
): NewOutboxRow[] {
  const base = { purpose: 'notice' as const, staffId: person.id, nextAttemptAt: now, createdAt: now };
  if (notices.length <= ONE_BY_ONE) {
    return notices.flatMap((n) => [
      {
        ...base,
        ticketId: n.ticketId,
        dedupeKey: `${n.key}:${person.id}:sms`,
        channel: 'sms' as const,
        recipient: person.phone,
        body: n.text,
      },
      {
        ...base,
        ticketId: n.ticketId,
        dedupeKey: `${n.key}:${person.id}:email`,
        channel: 'email' as const,
        recipient: person.email,
        subject: n.subject,
        body: n.text,
      },
    ]);
  }
  const list = notices.map((n) => `- ${n.text}`).join('\n');
  return [
    {
      ...base,
      dedupeKey: `${summary.key}:${person.id}:sms`,
      channel: 'sms',
      recipient: person.phone,
      body: `${summary.heading} Details by email.`,
    },
    {
      ...base,
      dedupeKey: `${summary.key}:${person.id}:email`,
      channel: 'email',
      recipient: person.email,
      subject: summary.subject,
      body: `${summary.heading}\n\n${list}`,
    },
  ];
}

/**
 * Every open ticket past 75% of its SLA time warns its assignee (or, with none, the on-call engineer),
 * once; past its deadline it is escalated to every System Architect and Slack, once. Runs every
 * minute; the flags on the ticket make a rerun or a restart send nothing twice.
 */
export function runSlaChecks(deps: SlaWatchDeps): { warned: number; breached: number } {
  const now = deps.clock.now();
  const org = deps.organisation;
  const staffOf = (id: string | null) => org.staff.find((s) => s.id === id);
  const link = (n: number) => `${deps.publicUrl}/dashboard/tickets/${n}`;
  const result = deps.db.transaction((tx: Tx) => {
    const breached = repo.ticketsPastDeadline(tx, now, PER_RUN);
    const breaches: Notice[] = breached.map((t) => ({
      ticketId: t.id,
      key: `sla-breach:${t.id}:${t.slaDueAt!.getTime()}`,
      subject: `[${org.name}] SLA breached: ${ticketLabel(t.number)}`,
      text: `SLA BREACHED ${ticketLabel(t.number)} (${priorityName(org, t.priority)}): due ${localTime(org, t.slaDueAt!)}, still ${t.status.replace(/_/g, ' ')}${t.acknowledgedBy ? ` with ${staffOf(t.acknowledgedBy)?.name ?? t.acknowledgedBy}` : ', nobody has taken it'}. ${link(t.number)}`,
    }));
    if (breaches.length) {
      const heading = `${breaches.length} tickets have breached their SLA.`;
      const rows = architects(org).flatMap((a) =>
        tell(
          a,
          breaches,
          { key: `sla-breach-summary:${now.getTime()}`, subject: `[${org.name}] ${heading}`, heading },
          now,
        ),
      );
      const slack =
        breaches.length <= ONE_BY_ONE
          ? breaches.map((b) => ({ key: `${b.key}:slack`, text: b.text, ticketId: b.ticketId as number | null }))
          : [
              {
                key: `sla-breach-summary:${now.getTime()}:slack`,
                text: `${heading}\n${breaches.map((b) => b.text).join('\n')}`,
                ticketId: null,
              },
            ];
      rows.push(
        ...slack.map((s) => ({
          dedupeKey: s.key,
          channel: 'slack' as const,
          purpose: 'notice' as const,
          recipient: 'channel',
          ticketId: s.ticketId,
          body: `:alarm_clock: ${s.text}`,
          nextAttemptAt: now,
          createdAt: now,
        })),
      );
      enqueue(tx, rows);
      for (const t of breached) {
        repo.updateTicket(tx, t.id, { slaBreachedAt: now, slaWarnedAt: t.slaWarnedAt ?? now });
        repo.addEvent(
          tx,
          t.id,
          now,
          'sla_breached',
          { dueAt: t.slaDueAt!.toISOString(), told: architects(org).map((a) => a.id) },
          'switchboard',
        );
      }
    }

    const warned = repo.ticketsDueForWarning(tx, now, PER_RUN);
    const onCall = warned.some((t) => !staffOf(t.acknowledgedBy))
      ? onCallAt({ db: tx, clock: { now: () => now }, organisation: org }, now).staff
      : undefined;
    const byPerson = new Map<StaffMember, Notice[]>();
    for (const t of warned) {
      const person = staffOf(t.acknowledgedBy) ?? onCall!;
      const due = localTime(org, t.slaDueAt!);
      byPerson.set(person, [
        ...(byPerson.get(person) ?? []),
        {
          ticketId: t.id,
          key: `sla-warn:${t.id}:${t.slaDueAt!.getTime()}`,
          subject: `[${org.name}] SLA warning: ${ticketLabel(t.number)} due ${due}`,
          text: `SLA warning ${ticketLabel(t.number)} (${priorityName(org, t.priority)}): 75% of its time has gone; due ${due}. ${link(t.number)}`,
        },
      ]);
      repo.updateTicket(tx, t.id, { slaWarnedAt: now });
      repo.addEvent(tx, t.id, now, 'sla_warning', { dueAt: t.slaDueAt!.toISOString(), told: person.id }, 'switchboard');
    }
    for (const [person, notices] of byPerson) {
      const heading = `${notices.length} of your tickets have used 75% of their SLA time.`;
      enqueue(
        tx,
        tell(
          person,
          notices,
          { key: `sla-warn-summary:${now.getTime()}`, subject: `[${org.name}] ${heading}`, heading },
          now,
        ),
      );
    }
    return { warned: warned.length, breached: breached.length };
  });
  if (result.warned || result.breached) deps.onOutbox();
  return result;
}
