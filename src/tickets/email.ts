import { randomUUID } from 'node:crypto';
import { and, asc, desc, eq, inArray, sql } from 'drizzle-orm';
import type { Q, ReadQ } from '../db/index.js';
import { fail, ok, type Outcome } from '../http/problems.js';
import { ticketLabel } from '../paging/index.js';
import type { TicketDeps } from './deps.js';
import { factsOf, requesterOf } from './facts.js';
import { ticketAttachments, ticketMessages, tickets, OPEN_STATUSES } from './schema.js';
import { slaClock, slaTargetsFor } from './sla.js';
import * as store from './store.js';
import type { Ticket } from './store.js';

export type TicketMessage = typeof ticketMessages.$inferSelect;
export type TicketAttachment = Omit<typeof ticketAttachments.$inferSelect, 'content'> & { kept: boolean };

/** A message from the helpdesk mailbox, parsed: what the tickets keep of it. */
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
  attachments: { filename: string; contentType: string; size: number; content?: string }[];
  receivedAt: Date;
  /**
   * Its sender's address is not proven (no DKIM or DMARC pass): marked on the ticket, and nothing it
   * wrote (display name, subject) is echoed in the automatic reply, which could otherwise be relayed
   * to whatever address was forged.
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

const TAG = /\[TK-?(\d{1,9})\]/i;

/** A conversation's subject for Switchboard's messages: "Re: [TK-1042] <the first subject>". */
function replySubject(number: number, subject: string): string {
  const bare = subject.replace(/^((re|aw|fwd?|sv):\s*)+/i, '').trim() || '(no subject)';
  const tagged = TAG.exec(bare);
  return tagged && Number(tagged[1]) === number ? `Re: ${bare}` : `Re: [${ticketLabel(number)}] ${bare}`;
}

/** The ticket a message continues: `[TK-1042]` in its subject, or a message of the ticket it replies to. */
export async function ticketOfReply(q: ReadQ, mail: Pick<IncomingEmail, 'subject' | 'inReplyTo' | 'references'>) {
  const tagged = TAG.exec(mail.subject);
  if (tagged) {
    const ticket = await store.ticketByNumber(q, Number(tagged[1]));
    if (ticket) return ticket;
  }
  const ids = [...new Set([mail.inReplyTo, ...mail.references].filter((v): v is string => Boolean(v)))].slice(0, 50);
  if (ids.length === 0) return undefined;
  const [row] = await q
    .select({ ticketId: ticketMessages.ticketId })
    .from(ticketMessages)
    .where(inArray(ticketMessages.messageId, ids))
    .orderBy(desc(ticketMessages.id))
    .limit(1);
  return row ? store.ticketById(q, row.ticketId) : undefined;
}

/** Whether this sender may write on this ticket: someone of its client, or the very address that opened it. */
export function mayWriteOn(ticket: Ticket, sender: Sender, from: string): boolean {
  if (ticket.clientId) return sender.clientId === ticket.clientId;
  return Boolean(ticket.requesterEmail) && ticket.requesterEmail === from.toLowerCase();
}

/** A new Message-ID for mail Switchboard sends about a ticket. */
function newMessageId(deps: Pick<TicketDeps, 'publicUrl'>, number: number): string {
  return `${ticketLabel(number).toLowerCase()}.${randomUUID()}@${new URL(deps.publicUrl).hostname}`;
}

async function keepMessage(tx: Q, ticketId: number, mail: IncomingEmail): Promise<TicketMessage> {
  const [message] = await tx
    .insert(ticketMessages)
    .values({
      ticketId,
      direction: 'in',
      messageId: mail.messageId,
      inReplyTo: mail.inReplyTo ?? null,
      fromAddress: mail.from,
      toAddress: mail.to,
      subject: mail.subject,
      body: mail.body,
      original: mail.original,
      unverified: Boolean(mail.unverified),
      at: mail.receivedAt,
    })
    .returning();
  if (mail.attachments.length) {
    await tx.insert(ticketAttachments).values(
      mail.attachments.map((a) => ({
        messageId: message!.id,
        filename: a.filename,
        contentType: a.contentType,
        size: a.size,
        content: a.content ?? null,
      })),
    );
  }
  await store.addEvent(tx, ticketId, mail.receivedAt, 'email_received', {
    messageId: message!.id,
    from: mail.from,
    subject: mail.subject,
    ...(mail.unverified ? { unverified: true } : {}),
    attachments: mail.attachments.map((a) => ({ filename: a.filename, size: a.size, kept: a.content !== undefined })),
  });
  const omitted = mail.attachments.filter((a) => a.content === undefined);
  if (omitted.length) {
    await store.addEvent(tx, ticketId, mail.receivedAt, 'note', {
      text: `attachments over the size limit were not kept: ${omitted.map((a) => `${a.filename} (${Math.round(a.size / 1024)} KB)`).join(', ')}`,
    });
  }
  return message!;
}

/** The conversation's threading for a message Switchboard sends about a ticket. */
export async function threadFor(q: ReadQ, deps: Pick<TicketDeps, 'publicUrl'>, ticket: Ticket) {
  const messages = await q
    .select({
      messageId: ticketMessages.messageId,
      direction: ticketMessages.direction,
      subject: ticketMessages.subject,
    })
    .from(ticketMessages)
    .where(eq(ticketMessages.ticketId, ticket.id))
    .orderBy(asc(ticketMessages.id));
  const lastIn = messages.filter((m) => m.direction === 'in').at(-1);
  return {
    messageId: newMessageId(deps, ticket.number),
    inReplyTo: lastIn?.messageId,
    references: messages.slice(-20).map((m) => m.messageId),
    subject: replySubject(ticket.number, messages[0]?.subject ?? ticket.summary),
  };
}

/** Records a message Switchboard sent into the conversation. */
async function keepSent(
  tx: Q,
  ticket: Ticket,
  thread: { messageId: string; inReplyTo?: string; subject: string },
  to: string,
  body: string,
  now: Date,
  staffId?: string,
): Promise<void> {
  await tx.insert(ticketMessages).values({
    ticketId: ticket.id,
    direction: 'out',
    messageId: thread.messageId,
    inReplyTo: thread.inReplyTo ?? null,
    fromAddress: 'helpdesk',
    toAddress: to,
    subject: thread.subject,
    body,
    original: body,
    automatic: !staffId,
    staffId: staffId ?? null,
    at: now,
  });
  await store.addEvent(tx, ticket.id, now, 'email_sent', { to, subject: thread.subject, automatic: !staffId }, staffId);
}

/** A requester notice sent in the ticket's email conversation, on its timeline as a message. */
export async function keepNotice(
  tx: Q,
  ticket: Ticket,
  thread: { messageId: string; inReplyTo?: string; subject: string },
  to: string,
  change: string,
  now: Date,
): Promise<void> {
  await keepSent(tx, ticket, thread, to, `Notice to the requester: ${change.replace(/_/g, ' ')}.`, now);
}

/**
 * A message that opens a ticket: for the sender's client on the line of the address written to (or
 * flagged "sender not identified"), its subject the title; the sender gets the automatic reply with
 * the number in the subject, threaded to their message.
 */
export async function openTicketByEmail(
  deps: TicketDeps,
  tx: Q,
  mail: IncomingEmail,
  sender: Sender,
  options: { reply: boolean } = { reply: true },
): Promise<Ticket> {
  const now = mail.receivedAt;
  const priority = deps.organisation.email.priority;
  const ticket = await store.insertTicket(tx, {
    clientId: sender.clientId ?? null,
    contactId: sender.contactId ?? null,
    callerNumber: null,
    unidentified: !sender.clientId,
    emergency: false,
    priority,
    status: 'new',
    summary: (mail.subject.trim() || '(no subject)').slice(0, 200),
    source: 'email',
    line: sender.line ?? null,
    requesterEmail: sender.contactId ? null : mail.from.toLowerCase(),
    ...slaClock(deps.calendar, await slaTargetsFor(tx, deps.organisation, sender.clientId), priority, now),
    createdAt: now,
    updatedAt: now,
  });
  await store.addEvent(tx, ticket.id, now, 'created', {
    priority,
    emergency: false,
    unidentified: !sender.clientId,
    source: 'email',
    line: sender.line ?? null,
    ...(sender.clientId ? {} : { note: 'sender not identified' }),
  });
  await keepMessage(tx, ticket.id, mail);
  // An unproven sender's words are not echoed: the reply's own subject, and no name.
  const thread = {
    messageId: newMessageId(deps, ticket.number),
    inReplyTo: mail.messageId,
    references: [...mail.references, mail.messageId].slice(-20),
    ...(mail.unverified ? {} : { subject: replySubject(ticket.number, mail.subject) }),
  };
  if (!options.reply) return ticket;
  const who = await requesterOf(tx, ticket);
  const facts = await factsOf(tx, ticket);
  await deps.pager.tellCustomer(
    tx,
    { email: mail.from },
    { kind: 'email_reply', ticket: facts, name: who.name ?? (mail.unverified ? undefined : mail.fromName) },
    { key: `email-reply:${mail.key}`, ticketId: ticket.id, thread },
  );
  await keepSent(
    tx,
    ticket,
    { ...thread, subject: thread.subject ?? `[${ticketLabel(ticket.number)}]` },
    mail.from,
    `Automatic reply: ${ticketLabel(ticket.number)} opened.`,
    now,
  );
  return ticket;
}

/**
 * A message that continues a ticket: kept in its conversation. A reply to a ticket waiting on the
 * customer moves it back to in progress, and whoever has the ticket is told.
 */
export async function addEmailToTicket(deps: TicketDeps, tx: Q, ticket: Ticket, mail: IncomingEmail): Promise<Ticket> {
  const now = mail.receivedAt;
  await keepMessage(tx, ticket.id, mail);
  let current = ticket;
  if (ticket.status === 'waiting_on_customer') {
    current = await store.updateTicket(tx, ticket.id, { status: 'in_progress', updatedAt: now });
    await store.addEvent(tx, ticket.id, now, 'status_changed', {
      from: 'waiting_on_customer',
      to: 'in_progress',
      reason: 'the requester replied by email',
    });
  } else {
    current = await store.updateTicket(tx, ticket.id, { updatedAt: now });
  }
  const holder = ticket.acknowledgedBy ? deps.pager.staff(ticket.acknowledgedBy) : undefined;
  if (holder && (OPEN_STATUSES as readonly string[]).includes(current.status)) {
    await deps.pager.tellStaff(
      tx,
      [holder],
      {
        kind: 'customer_replied',
        ticket: { number: ticket.number },
        from: mail.fromName ? `${mail.fromName} <${mail.from}>` : mail.from,
        excerpt: mail.body.slice(0, 1000),
      },
      { key: `customer-replied:${mail.key}`, ticketId: ticket.id },
      ['email'],
    );
  }
  return current;
}

/** The latest ticket a sender opened by email, to add to past their hourly limit. */
export async function latestEmailTicketOf(q: ReadQ, from: string): Promise<Ticket | undefined> {
  const [row] = await q
    .select({ ticketId: ticketMessages.ticketId })
    .from(ticketMessages)
    .innerJoin(tickets, eq(tickets.id, ticketMessages.ticketId))
    .where(and(eq(ticketMessages.fromAddress, from), eq(ticketMessages.direction, 'in'), eq(tickets.source, 'email')))
    .orderBy(desc(ticketMessages.id))
    .limit(1);
  return row ? store.ticketById(q, row.ticketId) : undefined;
}

/** A ticket's email conversation, oldest first, with its attachments (without their content). */
export async function conversationOf(
  q: ReadQ,
  ticketId: number,
): Promise<(TicketMessage & { attachments: TicketAttachment[] })[]> {
  const messages = await q
    .select()
    .from(ticketMessages)
    .where(eq(ticketMessages.ticketId, ticketId))
    .orderBy(asc(ticketMessages.id));
  if (messages.length === 0) return [];
  const files = await q
    .select({
      id: ticketAttachments.id,
      messageId: ticketAttachments.messageId,
      filename: ticketAttachments.filename,
      contentType: ticketAttachments.contentType,
      size: ticketAttachments.size,
      kept: sql<number>`${ticketAttachments.content} is not null`,
    })
    .from(ticketAttachments)
    .where(
      inArray(
        ticketAttachments.messageId,
        messages.map((m) => m.id),
      ),
    )
    .orderBy(asc(ticketAttachments.id));
  return messages.map((m) => ({
    ...m,
    attachments: files.filter((f) => f.messageId === m.id).map((f) => ({ ...f, kept: Boolean(f.kept) })),
  }));
}

/** Where a reply to the requester goes: the contact's address, the address that opened the ticket, or the last one that wrote. */
export async function replyAddress(q: ReadQ, ticket: Ticket): Promise<string | undefined> {
  const who = await requesterOf(q, ticket);
  if (who.email) return who.email;
  const [last] = await q
    .select({ from: ticketMessages.fromAddress })
    .from(ticketMessages)
    .where(and(eq(ticketMessages.ticketId, ticket.id), eq(ticketMessages.direction, 'in')))
    .orderBy(desc(ticketMessages.id))
    .limit(1);
  return last?.from || undefined;
}

/**
 * Staff answer the requester by email from the ticket's page: sent from the helpdesk's address in the
 * ticket's conversation (its subject, In-Reply-To the requester's last message, References), so the
 * requester's answer comes back into the same ticket. The message is kept in the conversation.
 */
export async function replyByEmail(
  deps: TicketDeps,
  number: number,
  text: string,
  actor: { id: string; name: string },
): Promise<Outcome<{ ticket: Ticket; to: string }>> {
  const now = deps.clock.now();
  const body = text.replace(/\r\n/g, '\n').trim();
  if (!body) return fail('invalid', 'reply_empty', 'Write the reply first.');
  const result = await deps.db.withTransaction(async (tx): Promise<Outcome<{ ticket: Ticket; to: string }>> => {
    const ticket = await store.ticketByNumberForUpdate(tx, number);
    if (!ticket) return fail('not_found', 'ticket_not_found', `No ticket ${ticketLabel(number)}`);
    const to = await replyAddress(tx, ticket);
    if (!to)
      return fail(
        'conflict',
        'no_email',
        `${ticketLabel(number)} has no email address to reply to; call the requester instead.`,
      );
    const thread = await threadFor(tx, deps, ticket);
    await deps.pager.tellCustomer(
      tx,
      { email: to },
      { kind: 'staff_reply', ticket: { number: ticket.number }, text: body, by: actor.name },
      { key: `staff-reply:${thread.messageId}`, ticketId: ticket.id, thread },
    );
    await keepSent(tx, ticket, thread, to, body, now, actor.id);
    const updated = await store.updateTicket(tx, ticket.id, { updatedAt: now });
    return ok({ ticket: updated, to });
  });
  if (result.ok) deps.onOutbox();
  return result;
}

/** One attachment of a ticket's conversation, with its content (base64; null when it was over the size limit). */
export async function attachmentOf(q: ReadQ, ticketId: number, attachmentId: number) {
  const [row] = await q
    .select({
      filename: ticketAttachments.filename,
      contentType: ticketAttachments.contentType,
      size: ticketAttachments.size,
      content: ticketAttachments.content,
    })
    .from(ticketAttachments)
    .innerJoin(ticketMessages, eq(ticketMessages.id, ticketAttachments.messageId))
    .where(and(eq(ticketAttachments.id, attachmentId), eq(ticketMessages.ticketId, ticketId)))
    .limit(1);
  return row;
}
