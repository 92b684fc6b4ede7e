import type { Q, ReadQ } from '../db/index.js';
import { fail, ok, type Outcome } from '../http/problems.js';
import { ticketLabel } from '../paging/index.js';
import { storageRoomOf } from '../clients/index.js';
import type { TicketDeps } from './deps.js';
import { requesterOf } from './facts.js';
import { OPEN_STATUSES } from './schema.js';
import * as conversation from './conversation-store.js';
import type { NewAttachment, TicketMessage } from './conversation-store.js';
import * as store from './store.js';
import type { Ticket } from './store.js';

export type { TicketMessage, TicketAttachment, NewAttachment } from './conversation-store.js';

/** What a client wrote, by email or on the portal, as the conversation keeps it. */
export interface ClientMessage {
  /** What the message is taken once by: keys what it leads to (telling whoever has the ticket). */
  key: string;
  channel: 'email' | 'portal';
  from: string;
  fromName?: string;
  to?: string;
  subject: string;
  /** The new text (quoted history trimmed). */
  body: string;
  /** The whole text. */
  original?: string;
  /** Without angle brackets; what replies by email name it by (minted by the channel when it came otherwise). */
  messageId: string;
  inReplyTo?: string;
  attachments: NewAttachment[];
  at: Date;
  /** Its sender's address was not proven (email taken under `unverified: accept`). */
  unverified?: boolean;
}

/** A message the helpdesk sends the client, in the conversation's email thread. */
export interface SentMessage {
  thread: { messageId: string; inReplyTo?: string; subject: string };
  to: string;
  body: string;
  at: Date;
  /** Written by a person (a staff reply); without it the message is automatic. */
  staffId?: string;
}

/**
 * The files in memory (an email's) that fit in what the client's storage has left, in order; the rest keep
 * their names and sizes, marked as not kept. (A portal upload was measured against the room as it arrived.)
 */
async function withinRoom(q: ReadQ, clientId: number | null, files: NewAttachment[]): Promise<NewAttachment[]> {
  if (clientId === null || !files.some((a) => a.bytes)) return files;
  let room = await storageRoomOf(q, clientId);
  return files.map((a) => {
    if (!a.bytes) return a;
    if (a.bytes.length <= room) {
      room -= a.bytes.length;
      return a;
    }
    return { filename: a.filename, contentType: a.contentType, size: a.size, notKept: 'no_room' as const };
  });
}

/** Keeps a client's message in the conversation, with its timeline entries. */
export async function keepClientMessage(tx: Q, ticketId: number, m: ClientMessage): Promise<TicketMessage> {
  const clientId = (await store.ticketById(tx, ticketId))?.clientId ?? null;
  const files = await withinRoom(tx, clientId, m.attachments);
  const message = await conversation.insertMessage(
    tx,
    {
      ticketId,
      direction: 'in',
      channel: m.channel,
      messageId: m.messageId,
      inReplyTo: m.inReplyTo ?? null,
      fromAddress: m.from,
      toAddress: m.to ?? '',
      subject: m.subject,
      body: m.body,
      original: m.original ?? m.body,
      unverified: Boolean(m.unverified),
      at: m.at,
    },
    files,
    clientId,
  );
  await store.addEvent(tx, ticketId, m.at, m.channel === 'email' ? 'email_received' : 'portal_message', {
    messageId: message.id,
    from: m.from,
    subject: m.subject,
    ...(m.unverified ? { unverified: true } : {}),
    attachments: files.map((a) => ({ filename: a.filename, size: a.size, kept: conversation.isKept(a) })),
  });
  const listed = (list: NewAttachment[]) =>
    list.map((a) => `${a.filename} (${Math.round(a.size / 1024)} KB)`).join(', ');
  const overLimit = files.filter((a) => !conversation.isKept(a) && a.notKept !== 'no_room');
  if (overLimit.length)
    await store.addEvent(tx, ticketId, m.at, 'note', {
      text: `attachments over the size limit were not kept: ${listed(overLimit)}`,
    });
  const noRoom = files.filter((a) => a.notKept === 'no_room');
  if (noRoom.length)
    await store.addEvent(tx, ticketId, m.at, 'note', {
      text: `attachments were not kept, the client's file storage is full: ${listed(noRoom)}`,
    });
  return message;
}

/**
 * A client wrote on a ticket: the message joins its conversation; a ticket waiting on the customer goes
 * back in progress, and whoever has the ticket is told.
 */
export async function clientWrote(deps: TicketDeps, tx: Q, ticket: Ticket, m: ClientMessage): Promise<Ticket> {
  await keepClientMessage(tx, ticket.id, m);
  let current: Ticket;
  if (ticket.status === 'waiting_on_customer') {
    current = await store.updateTicket(tx, ticket.id, { status: 'in_progress', updatedAt: m.at });
    await store.addEvent(tx, ticket.id, m.at, 'status_changed', {
      from: 'waiting_on_customer',
      to: 'in_progress',
      reason: `the requester replied ${m.channel === 'email' ? 'by email' : 'on the portal'}`,
    });
  } else current = await store.updateTicket(tx, ticket.id, { updatedAt: m.at });
  const holder = ticket.acknowledgedBy ? deps.pager.staff(ticket.acknowledgedBy) : undefined;
  if (holder && (OPEN_STATUSES as readonly string[]).includes(current.status))
    await deps.pager.tellStaff(
      tx,
      [holder],
      {
        kind: 'customer_replied',
        ticket: { number: ticket.number },
        from: m.fromName && !m.unverified ? `${m.fromName} <${m.from}>` : m.from,
        excerpt: m.body.slice(0, 1000),
      },
      { key: `customer-replied:${m.key}`, ticketId: ticket.id },
      ['email'],
    );
  return current;
}

/** Records a message the helpdesk sent the client into the conversation. */
export async function keepSent(tx: Q, ticket: Ticket, m: SentMessage): Promise<TicketMessage> {
  const message = await conversation.insertMessage(tx, {
    ticketId: ticket.id,
    direction: 'out',
    channel: m.staffId ? 'staff' : 'email',
    messageId: m.thread.messageId,
    inReplyTo: m.thread.inReplyTo ?? null,
    fromAddress: 'helpdesk',
    toAddress: m.to,
    subject: m.thread.subject,
    body: m.body,
    original: m.body,
    automatic: !m.staffId,
    staffId: m.staffId ?? null,
    at: m.at,
  });
  await store.addEvent(
    tx,
    ticket.id,
    m.at,
    'email_sent',
    { to: m.to, subject: m.thread.subject, automatic: !m.staffId },
    m.staffId,
  );
  return message;
}

/** A ticket's conversation, oldest first (`withInternal: false` for what the client may see). */
export function conversationOf(
  q: ReadQ,
  ticketId: number,
  options: { withInternal?: boolean } = { withInternal: true },
) {
  return conversation.messagesOf(q, ticketId, options);
}

export const attachmentOf = conversation.attachmentOf;
export const threadOfTicket = conversation.threadOf;

/** The ticket whose conversation holds one of these Message-IDs. */
export async function ticketOfMessageIds(q: ReadQ, ids: string[]): Promise<Ticket | undefined> {
  const id = await conversation.ticketIdOfMessages(q, [...new Set(ids)].slice(0, 50));
  return id ? store.ticketById(q, id) : undefined;
}

/** The latest ticket opened by email that an address wrote to by email (their hourly limit's overflow). */
export async function latestEmailTicketOf(q: ReadQ, from: string): Promise<Ticket | undefined> {
  const id = await conversation.latestEmailTicketWrittenBy(q, from);
  return id ? store.ticketById(q, id) : undefined;
}

/** Where a reply to the requester goes: the contact's address, the address that opened the ticket, or the last one that wrote. */
export async function replyAddress(q: ReadQ, ticket: Ticket): Promise<string | undefined> {
  const who = await requesterOf(q, ticket);
  return who.email ?? (await conversation.lastClientAddress(q, ticket.id));
}

/**
 * Staff answer the requester from the ticket's page or the API: emailed from the helpdesk's address in
 * the ticket's email thread (so the requester's answer comes back into the same ticket), and kept in
 * the conversation.
 */
export async function replyToClient(
  deps: TicketDeps,
  number: number,
  text: string,
  actor: { id: string; name: string },
): Promise<Outcome<{ ticket: Ticket; to: string; message: TicketMessage }>> {
  const now = deps.clock.now();
  const body = text.replace(/\r\n/g, '\n').trim();
  if (!body) return fail('invalid', 'reply_empty', 'Write the reply first.');
  type Replied = Outcome<{ ticket: Ticket; to: string; message: TicketMessage }>;
  const result = await deps.db.withTransaction(async (tx): Promise<Replied> => {
    const ticket = await store.ticketByNumberForUpdate(tx, number);
    if (!ticket) return fail('not_found', 'ticket_not_found', `No ticket ${ticketLabel(number)}`);
    const to = await replyAddress(tx, ticket);
    if (!to)
      return fail(
        'conflict',
        'no_email',
        `${ticketLabel(number)} has no email address to reply to; call the requester instead.`,
      );
    const thread = await deps.conversationMail.threadFor(tx, ticket);
    await deps.pager.tellCustomer(
      tx,
      { email: to },
      { kind: 'staff_reply', ticket: { number: ticket.number }, text: body, by: actor.name },
      { key: `staff-reply:${thread.messageId}`, ticketId: ticket.id, thread },
    );
    const message = await keepSent(tx, ticket, { thread, to, body, at: now, staffId: actor.id });
    const updated = await store.updateTicket(tx, ticket.id, { updatedAt: now });
    return ok({ ticket: updated, to, message });
  });
  if (result.ok) deps.onOutbox();
  return result;
}

/** A note on the conversation for staff only: never sent, never shown to the client. */
export async function noteForStaff(
  deps: TicketDeps,
  number: number,
  text: string,
  actor: { id: string; name: string },
): Promise<Outcome<TicketMessage>> {
  const now = deps.clock.now();
  const body = text.replace(/\r\n/g, '\n').trim();
  if (!body) return fail('invalid', 'note_empty', 'Write the note first.');
  return deps.db.withTransaction(async (tx): Promise<Outcome<TicketMessage>> => {
    const ticket = await store.ticketByNumberForUpdate(tx, number);
    if (!ticket) return fail('not_found', 'ticket_not_found', `No ticket ${ticketLabel(number)}`);
    const message = await conversation.insertMessage(tx, {
      ticketId: ticket.id,
      direction: 'out',
      channel: 'staff',
      internal: true,
      messageId: deps.conversationMail.newMessageId(ticket.number),
      fromAddress: 'helpdesk',
      toAddress: '',
      subject: ticket.summary,
      body,
      original: body,
      staffId: actor.id,
      at: now,
    });
    await store.addEvent(tx, ticket.id, now, 'note', { text: 'internal note', messageId: message.id }, actor.id);
    await store.updateTicket(tx, ticket.id, { updatedAt: now });
    return ok(message);
  });
}
