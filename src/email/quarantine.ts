import { recordAudit } from '../audit/index.js';
import { clientBySender } from '../clients/index.js';
import { fail, ok, type Outcome } from '../http/problems.js';
import { decide, heldOf } from './decide.js';
import type { IntakeDeps, Taken } from './deps.js';
import { decided, heldById, settle, takeHeld } from './store.js';

/** Who decides on a held message, for the audit trail. */
export interface Decider {
  id: string;
  ip?: string;
}

const NO_LONGER_HELD = 'That message is no longer held: someone has decided on it already.';

/**
 * A person vouches for a held message: it is taken as if its sender were proven (a ticket, or an
 * addition to the ticket it continues), and the limit that held it no longer applies to it.
 */
export async function acceptHeld(deps: IntakeDeps, id: number, by: Decider): Promise<Outcome<Taken>> {
  const now = deps.tickets.clock.now();
  // Read before the transaction, as intake does: the sender's client as it is now.
  const row = await heldById(deps.db.q, id);
  const match = row?.fromAddress ? await clientBySender(deps.tickets, row.fromAddress) : undefined;
  const result = await deps.db.withTransaction(async (tx): Promise<Outcome<Taken>> => {
    const taken = await takeHeld(tx, id);
    if (!taken) return fail('conflict', 'not_held', NO_LONGER_HELD);
    const { mail, line } = heldOf(taken.held);
    const outcome = await decide(
      deps,
      tx,
      { ...mail, unverified: false },
      { clientId: match?.clientId, contactId: match?.contactId, line },
      by.id,
    );
    await decided(tx, taken.key, by.id, now);
    await recordAudit(tx, {
      at: now,
      action: 'mail_accepted',
      actor: by.id,
      ip: by.ip,
      detail: { from: mail.from, subject: mail.subject.slice(0, 200), outcome: outcome.outcome },
    });
    return ok(outcome);
  });
  if (result.ok) deps.tickets.onOutbox();
  return result;
}

/** A person discards a held message: it becomes nothing, and the record says who decided. */
export async function discardHeld(deps: IntakeDeps, id: number, by: Decider): Promise<Outcome<{ from: string }>> {
  const now = deps.tickets.clock.now();
  return deps.db.withTransaction(async (tx) => {
    const taken = await takeHeld(tx, id);
    if (!taken) return fail('conflict', 'not_held', NO_LONGER_HELD);
    const { mail } = heldOf(taken.held);
    await settle(tx, taken.key, 'discarded');
    await decided(tx, taken.key, by.id, now);
    await recordAudit(tx, {
      at: now,
      action: 'mail_discarded',
      actor: by.id,
      ip: by.ip,
      detail: { from: mail.from, subject: mail.subject.slice(0, 200) },
    });
    return ok({ from: mail.from });
  });
}
