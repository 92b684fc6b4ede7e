import type { Q, ReadQ } from '../db/index.js';
import {
  clientWrote,
  factsOf,
  keepClientMessage,
  keepSent,
  openTicket,
  requesterOf,
  ticketByNumber,
  ticketLabel,
  ticketOfMessageIds,
  type ClientMessage,
  type NewAttachment,
  type Ticket,
  type TicketDeps,
} from '../tickets/index.js';
import { mintMessageId, replySubject, taggedNumber } from './threading.js';

/** A message from the helpdesk mailbox, read: what the tickets keep of it. */
export interface IncomingEmail {
  /** What the message is taken once by (its Message-ID, sender and a digest of its content): keys what it leads to. */
  key: string;
  /** Without angle brackets. */
  messageId: string;
  inReplyTo?: string;
  references: string[];
  from: string;
  fromName?: string;
  to: string;
  subject: string;
  /** The new text, quoted history trimmed. */
  body: string;
  /** The whole text. */
  original: string;
  attachments: NewAttachment[];
  receivedAt: Date;
  /**
   * Its sender's address is not proven (no DKIM or DMARC pass): marked on the ticket, and nothing it
   * wrote (display name, subject) is echoed in the automatic reply, which could otherwise be relayed
   * to whatever address was forged. False: proven; absent: not checked.
   */
  unverified?: boolean;
}

/** Who wrote, as the intake decided. */
export interface Sender {
  clientId?: number;
  contactId?: number;
  /** The service line of the address written to. */
  line?: string;
}

const asClientMessage = (mail: IncomingEmail): ClientMessage => ({
  key: mail.key,
  channel: 'email',
  from: mail.from,
  fromName: mail.fromName,
  to: mail.to,
  subject: mail.subject,
  body: mail.body,
  original: mail.original,
  messageId: mail.messageId,
  inReplyTo: mail.inReplyTo,
  attachments: mail.attachments,
  at: mail.receivedAt,
  unverified: mail.unverified,
});

/** The ticket a message continues: `[TK-1042]` in its subject, or a message of the ticket it replies to. */
export async function ticketOfReply(
  q: ReadQ,
  mail: Pick<IncomingEmail, 'subject' | 'inReplyTo' | 'references'>,
): Promise<Ticket | undefined> {
  const tagged = taggedNumber(mail.subject);
  const byTag = tagged !== undefined ? await ticketByNumber(q, tagged) : undefined;
  if (byTag) return byTag;
  return ticketOfMessageIds(
    q,
    [mail.inReplyTo, ...mail.references].filter((v): v is string => Boolean(v)),
  );
}

/** Whether this sender may write on this ticket: someone of its client, or the very address that opened it. */
export function mayWriteOn(ticket: Ticket, sender: Sender, from: string): boolean {
  if (ticket.clientId) return sender.clientId === ticket.clientId;
  return Boolean(ticket.requesterEmail) && ticket.requesterEmail === from.toLowerCase();
}

/**
 * A message that opens a ticket: for the sender's client on the line of the address written to (or
 * flagged "sender not identified"), its subject the title; the sender gets the automatic reply with the
 * number in the subject, threaded to their message (unless the hour's automatic replies are spent).
 */
export async function openTicketByEmail(
  deps: TicketDeps,
  tx: Q,
  mail: IncomingEmail,
  sender: Sender,
  options: { reply: boolean } = { reply: true },
): Promise<Ticket> {
  const ticket = await openTicket(deps, tx, {
    source: 'email',
    clientId: sender.clientId,
    contactId: sender.contactId,
    requesterEmail: mail.from,
    line: sender.line,
    summary: mail.subject,
    priority: deps.organisation.email.priority,
    at: mail.receivedAt,
  });
  await keepClientMessage(tx, ticket.id, asClientMessage(mail));
  if (!options.reply) return ticket;
  // An unproven sender's words are not echoed: the reply's own subject, and no name.
  const thread = {
    messageId: mintMessageId(deps.publicUrl, ticket.number),
    inReplyTo: mail.messageId,
    references: [...mail.references, mail.messageId].slice(-20),
    ...(mail.unverified ? {} : { subject: replySubject(ticket.number, mail.subject) }),
  };
  const who = await requesterOf(tx, ticket);
  await deps.pager.tellCustomer(
    tx,
    { email: mail.from },
    {
      kind: 'email_reply',
      ticket: await factsOf(tx, ticket),
      name: who.name ?? (mail.unverified ? undefined : mail.fromName),
    },
    { key: `email-reply:${mail.key}`, ticketId: ticket.id, thread },
  );
  await keepSent(tx, ticket, {
    thread: { ...thread, subject: thread.subject ?? `[${ticketLabel(ticket.number)}]` },
    to: mail.from,
    body: `Automatic reply: ${ticketLabel(ticket.number)} opened.`,
    at: mail.receivedAt,
  });
  return ticket;
}

/** A message that continues a ticket (see clientWrote in the tickets). */
export function addEmailToTicket(deps: TicketDeps, tx: Q, ticket: Ticket, mail: IncomingEmail): Promise<Ticket> {
  return clientWrote(deps, tx, ticket, asClientMessage(mail));
}
