import { and, desc, eq, inArray } from 'drizzle-orm';
import { callerIdOf } from '../config/index.js';
import { tickets } from '../tickets/schema.js';
import { acknowledge, staffByPhone, type AckDeps } from './ack.js';
import { requestBridge, type BridgeDeps } from './bridge.js';
import { outbox } from './schema.js';
import { ticketLabel } from '../tickets/label.js';

/** "ACK 1042", "ack1042", "1042 ack", "A 1042", "TK-1042 ACK": the ticket number, forgiving of case and spaces. */
export function parseAckReply(body: string): { kind: 'ack'; number?: number } | { kind: 'unknown' } {
  const text = body.toUpperCase().replace(/[^A-Z0-9#-]+/g, ' ').trim();
  const m = /^(?:ACK|A|OK)\s*#?\s*(?:TK\s*-?\s*)?(\d{1,9})$/.exec(text) ?? /^(?:TK\s*-?\s*)?(\d{1,9})\s*(?:ACK|A|OK)$/.exec(text);
  if (m) return { kind: 'ack', number: Number(m[1]) };
  if (/^(ACK|A|OK|YES|Y)$/.test(text)) return { kind: 'ack' };
  return { kind: 'unknown' };
}

/** Emergencies paged to this person that nobody has taken yet, newest first. */
function waitingFor(deps: AckDeps, staffId: string): number[] {
  const paged = deps.db.selectDistinct({ ticketId: outbox.ticketId }).from(outbox).where(and(eq(outbox.staffId, staffId), eq(outbox.purpose, 'page'))).all();
  const ids = paged.map((r) => r.ticketId!).filter(Boolean);
  if (ids.length === 0) return [];
  return deps.db
    .select({ number: tickets.number })
    .from(tickets)
    .where(and(inArray(tickets.id, ids), eq(tickets.status, 'new')))
    .orderBy(desc(tickets.createdAt))
    .all()
    .map((t) => t.number);
}

/** Answers a text sent to the helpdesk number; only staff can acknowledge. */
export function replyToText(deps: BridgeDeps, from: string, body: string): string {
  const staff = staffByPhone(deps.organisation, callerIdOf(from, deps.organisation.country));
  const help = `${deps.organisation.name}: to take an emergency, reply ACK and its ticket number, e.g. ACK 1042.`;
  if (!staff) return `${deps.organisation.name}: this number takes calls, not texts. Call us, and press 5 for an emergency.`;
  const call = /^\s*CALL\s*(?:TK\s*-?\s*)?(\d{1,9})\s*$/i.exec(body);
  if (call) return requestBridge(deps, staff, Number(call[1]));
  const parsed = parseAckReply(body);
  if (parsed.kind === 'unknown') return help;
  let number = parsed.number;
  if (number === undefined) {
    const waiting = waitingFor(deps, staff.id);
    if (waiting.length === 0) return 'Nothing is waiting for you. To take a ticket, reply ACK and its number.';
    if (waiting.length > 1) return `Several emergencies are waiting: ${waiting.map((n) => `${ticketLabel(n)}`).join(', ')}. Reply ACK and the number.`;
    number = waiting[0]!;
  }
  const outcome = acknowledge(deps, number, staff, 'sms');
  if (outcome.result === 'acknowledged') return `${ticketLabel(number)} is yours. The others have been told. Reply CALL ${number} to be connected to the caller from the helpdesk number.`;
  if (outcome.result === 'already') return `${ticketLabel(number)} was already taken by ${outcome.by}.`;
  return `There is no open ticket ${ticketLabel(number)}.`;
}
