import type { StaffMember } from '../config/index.js';
import { architects } from '../oncall/index.js';
import {
  ticketLabel,
  advanceEscalation,
  endEscalation,
  escalationStep,
  nextDueEscalation,
  whoToPage,
  type Escalation,
  type StepSend,
} from '../paging/index.js';
import type { Q } from '../db/index.js';
import type { TicketDeps } from './deps.js';
import * as store from './store.js';

/** Steps handled per run at most; the schedule runs every few seconds. */
const PER_RUN = 100;

/**
 * Runs every escalation step that is due, each in its own transaction with its row locked, so an
 * instance that dies mid-step leaves nothing half done and another takes the step at once. The step
 * itself is paging's pure function; here its sends are addressed and written.
 */
export async function runDueEscalations(deps: TicketDeps): Promise<number> {
  let ran = 0;
  for (; ran < PER_RUN; ran++) {
    const now = deps.clock.now();
    const done = await deps.db.withTransaction(async (tx) => {
      const esc = await nextDueEscalation(tx, now);
      if (!esc) return false;
      await runStep(deps, tx, esc, now);
      return true;
    });
    if (!done) break;
  }
  if (ran) deps.onOutbox();
  return ran;
}

async function runStep(deps: TicketDeps, tx: Q, esc: Escalation, now: Date): Promise<void> {
  const org = deps.organisation;
  const ticket = await store.ticketByIdForUpdate(tx, esc.ticketId);
  const decision = escalationStep({ step: esc.step, unacknowledged: ticket?.status === 'new' }, org.escalation, now);
  if (!ticket || decision.kind === 'stop') return endEscalation(tx, esc.id, 'stopped', now);
  const everyone = await whoToPage(tx, org, now, ticket.line);
  const onCall = everyone.slice(0, 1);
  const lineArchitects = architects(org, ticket.line);
  const people: Record<StepSend['who'], StaffMember[]> = {
    everyone,
    on_call: onCall,
    // A line with no architects: their step phones the on-call engineer, so a step never reaches nobody.
    architects: lineArchitects.length ? lineArchitects : onCall,
  };
  const key = `esc:${esc.id}:${esc.step}`;
  const about = { key, ticketId: ticket.id, purpose: 'page' as const };
  const reached = new Set<string>();
  for (const send of decision.sends) {
    for (const person of people[send.who]) reached.add(person.id);
    const texts = send.channels.filter((c): c is 'sms' | 'email' => c !== 'voice');
    if (texts.length)
      await deps.pager.tellStaff(
        tx,
        people[send.who],
        { kind: 'still_unacknowledged', ticket: { number: ticket.number, callerNumber: ticket.callerNumber } },
        about,
        texts,
      );
    if (send.channels.includes('voice')) {
      for (const person of people[send.who]) {
        const url = `${deps.publicUrl}/twilio/voice/page?ticket=${ticket.id}&staff=${encodeURIComponent(person.id)}`;
        await deps.pager.ring(
          tx,
          person,
          { kind: 'call', url, about: `phone call about ${ticketLabel(ticket.number)}` },
          { ...about, key: `${key}:${person.id}:voice` },
        );
      }
    }
  }
  await store.addEvent(
    tx,
    ticket.id,
    now,
    'escalated',
    { step: decision.step, action: decision.label, to: [...reached] },
    'switchboard',
  );
  await advanceEscalation(tx, esc.id, decision.step, decision.nextAt, now);
}
