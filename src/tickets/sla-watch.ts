import type { StaffMember } from '../config/index.js';
import type { Q } from '../db/index.js';
import { architects, onCallAt } from '../oncall/index.js';
import type { SlaFacts } from '../paging/index.js';
import type { TicketDeps } from './deps.js';
import { nameOf } from './acknowledge.js';
import * as store from './store.js';

/** More than this many at once (after an outage, or an upgrade) go to each person as one summary. */
const ONE_BY_ONE = 3;
/** Tickets handled per run, so one run never holds the database for long; the rest go next minute. */
const PER_RUN = 500;

type Item = { ticketId: number; key: string; facts: SlaFacts };

/** SMS and email to each person: each ticket on its own, or one summary of them all when there are many. */
async function tell(
  deps: TicketDeps,
  tx: Q,
  people: StaffMember[],
  change: 'warning' | 'breach',
  items: Item[],
  now: Date,
): Promise<void> {
  if (items.length <= ONE_BY_ONE) {
    for (const i of items)
      await deps.pager.tellStaff(
        tx,
        people,
        { kind: 'sla', change, ticket: i.facts },
        { key: i.key, ticketId: i.ticketId },
      );
    return;
  }
  const key = `${change === 'warning' ? 'sla-warn' : 'sla-breach'}-summary:${now.getTime()}`;
  await deps.pager.tellStaff(tx, people, { kind: 'sla_summary', change, tickets: items.map((i) => i.facts) }, { key });
}

/**
 * Every open ticket past 75% of its SLA time warns its assignee (or, with none, the on-call engineer),
 * once; past its deadline it is escalated to every System Architect and Slack, once. Runs every minute
 * on one instance at a time; the flags on the ticket make a rerun or a restart send nothing twice.
 */
export async function runSlaChecks(deps: TicketDeps): Promise<{ warned: number; breached: number }> {
  const now = deps.clock.now();
  const org = deps.organisation;
  const staffOf = (id: string | null) => org.staff.find((s) => s.id === id);
  const factsOf = (t: store.Ticket): SlaFacts => ({
    number: t.number,
    priority: t.priority,
    dueAt: t.slaDueAt!,
    status: t.status,
    with: t.acknowledgedBy ? nameOf(org, t.acknowledgedBy) : undefined,
  });
  const result = await deps.db.withTransaction(async (tx) => {
    const breached = await store.ticketsPastDeadline(tx, now, PER_RUN);
    if (breached.length) {
      const items = breached.map((t) => ({
        ticketId: t.id,
        key: `sla-breach:${t.id}:${t.slaDueAt!.getTime()}`,
        facts: factsOf(t),
      }));
      await tell(deps, tx, architects(org), 'breach', items, now);
      if (items.length <= ONE_BY_ONE) {
        for (const i of items)
          await deps.pager.post(
            tx,
            { kind: 'sla', change: 'breach', ticket: i.facts },
            { key: i.key, ticketId: i.ticketId },
          );
      } else {
        await deps.pager.post(
          tx,
          { kind: 'sla_summary', change: 'breach', tickets: items.map((i) => i.facts) },
          { key: `sla-breach-summary:${now.getTime()}` },
        );
      }
      for (const t of breached) {
        await store.updateTicket(tx, t.id, { slaBreachedAt: now, slaWarnedAt: t.slaWarnedAt ?? now });
        await store.addEvent(
          tx,
          t.id,
          now,
          'sla_breached',
          { dueAt: t.slaDueAt!.toISOString(), told: architects(org).map((a) => a.id) },
          'switchboard',
        );
      }
    }

    const warned = await store.ticketsDueForWarning(tx, now, PER_RUN);
    const onCall = warned.some((t) => !staffOf(t.acknowledgedBy)) ? (await onCallAt(tx, org, now)).staff : undefined;
    const byPerson = new Map<StaffMember, Item[]>();
    for (const t of warned) {
      const person = staffOf(t.acknowledgedBy) ?? onCall!;
      byPerson.set(person, [
        ...(byPerson.get(person) ?? []),
        { ticketId: t.id, key: `sla-warn:${t.id}:${t.slaDueAt!.getTime()}`, facts: factsOf(t) },
      ]);
      await store.updateTicket(tx, t.id, { slaWarnedAt: now });
      await store.addEvent(
        tx,
        t.id,
        now,
        'sla_warning',
        { dueAt: t.slaDueAt!.toISOString(), told: person.id },
        'switchboard',
      );
    }
    for (const [person, items] of byPerson) await tell(deps, tx, [person], 'warning', items, now);
    return { warned: warned.length, breached: breached.length };
  });
  if (result.warned || result.breached) deps.onOutbox();
  return result;
}
