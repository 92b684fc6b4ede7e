import type { Q } from '../db/index.js';
import { latestEmailTicketOf } from '../tickets/index.js';
import {
  addEmailToTicket,
  mayWriteOn,
  openTicketByEmail,
  ticketOfReply,
  type IncomingEmail,
  type Sender,
} from './tickets.js';
import { refusalMessageId } from './threading.js';
import type { IntakeDeps, Taken } from './deps.js';
import { answeredUnprovenSince, domainTicketsSince, hold, settle, ticketsOpenedSince } from './store.js';

/** New tickets one sender may open in an hour; past it, messages are added to their latest ticket. */
export const TICKETS_PER_SENDER_HOUR = 10;
/** New tickets a domain's senders who are not named contacts may open in an hour; past it, messages are held for staff. */
export const TICKETS_PER_DOMAIN_HOUR = 20;
/**
 * Automatic answers in an hour to senders whose address is not proven (refusals, and acknowledgements of
 * tickets they opened); past it, they get none. Proven senders have their own limits above.
 */
export const AUTO_REPLIES_PER_HOUR = 200;
const HOUR = 3_600_000;

/** What a held message keeps: the message as the tickets would take it, and the line of the address it went to. */
export interface Held {
  mail: IncomingEmail;
  line?: string;
}

export const heldText = (held: Held) => JSON.stringify(held);
export function heldOf(text: string): Held {
  const held = JSON.parse(text) as Held;
  return { ...held, mail: { ...held.mail, receivedAt: new Date(held.mail.receivedAt) } };
}

/**
 * What a claimed message becomes, in the transaction that claimed it (or that a person's acceptance
 * opened, `acceptedBy`): held, added to the ticket it continues, refused, or a new ticket. The sender
 * is registered when it names a client; `mail.unverified` says its address was not proven.
 */
export async function decide(
  deps: IntakeDeps,
  tx: Q,
  mail: IncomingEmail,
  sender: Sender,
  acceptedBy?: string,
): Promise<Taken> {
  const { organisation } = deps;
  const hourAgo = new Date(deps.tickets.clock.now().getTime() - HOUR);
  const registered = Boolean(sender.clientId);
  if (registered && mail.unverified && !acceptedBy) {
    const policy = organisation.email.authentication.unverified;
    if (policy === 'quarantine') {
      await hold(tx, mail.key, heldText({ mail, line: sender.line }), 'its sender is not verified');
      return { outcome: 'quarantined' };
    }
    if (policy === 'refuse') {
      await settle(tx, mail.key, 'dropped', undefined, 'its sender is not verified');
      deps.log.warn(
        { from: mail.from },
        'a message from a registered address whose sender is not verified was dropped',
      );
      return { outcome: 'dropped' };
    }
  }

  const thread = await ticketOfReply(tx, mail);
  if (thread && mayWriteOn(thread, sender, mail.from)) {
    const ticket = await addEmailToTicket(deps.tickets, tx, thread, mail);
    await settle(tx, mail.key, 'added', ticket.id);
    return { outcome: 'added', ticketNumber: ticket.number };
  }
  const mayAnswer = async () =>
    mail.unverified === false || (await answeredUnprovenSince(tx, hourAgo)) < AUTO_REPLIES_PER_HOUR;
  if (!registered && organisation.email.senders === 'registered') {
    // One explanation a day per address; never a ticket. It echoes nothing the sender wrote.
    const day = mail.receivedAt.toISOString().slice(0, 10);
    if (await mayAnswer())
      await deps.tickets.pager.tellCustomer(
        tx,
        { email: mail.from },
        { kind: 'email_refused' },
        {
          key: `email-refused:${mail.from}:${day}`,
          thread: {
            messageId: refusalMessageId(deps.tickets.publicUrl, mail.key),
            inReplyTo: mail.messageId,
            references: [mail.messageId],
          },
        },
      );
    await settle(tx, mail.key, 'refused');
    return { outcome: 'refused' };
  }
  if ((await ticketsOpenedSince(tx, mail.from, hourAgo)) >= TICKETS_PER_SENDER_HOUR) {
    const latest = await latestEmailTicketOf(tx, mail.from);
    if (latest) {
      const ticket = await addEmailToTicket(deps.tickets, tx, latest, mail);
      await settle(tx, mail.key, 'added', ticket.id);
      return { outcome: 'added', ticketNumber: ticket.number };
    }
  }
  // Named contacts are known people; anyone else at a domain (or, open to anyone, a stranger) counts against it.
  const domain = mail.from.split('@').pop() ?? '';
  if (!acceptedBy && !sender.contactId && (await domainTicketsSince(tx, domain, hourAgo)) >= TICKETS_PER_DOMAIN_HOUR) {
    await hold(
      tx,
      mail.key,
      heldText({ mail, line: sender.line }),
      `more than ${TICKETS_PER_DOMAIN_HOUR} new tickets from ${domain} in an hour`,
    );
    return { outcome: 'quarantined' };
  }
  const ticket = await openTicketByEmail(deps.tickets, tx, mail, sender, { reply: await mayAnswer() });
  await settle(tx, mail.key, 'ticket', ticket.id);
  return { outcome: 'ticket', ticketNumber: ticket.number };
}
