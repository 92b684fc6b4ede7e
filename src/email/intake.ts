import { createHash } from 'node:crypto';
import { simpleParser, type AddressObject, type ParsedMail } from 'mailparser';
import type { Logger } from 'pino';
import type { Organisation } from '../config/index.js';
import { errorMessage, type Database } from '../db/index.js';
import { clientBySender } from '../clients/index.js';
import {
  addEmailToTicket,
  latestEmailTicketOf,
  mayWriteOn,
  openTicketByEmail,
  ticketOfReply,
  type IncomingEmail,
  type Sender,
  type TicketDeps,
} from '../tickets/index.js';
import type { InboundOutcome } from './schema.js';
import { claim, settle, ticketsOpenedSince } from './store.js';

/** An attachment over this size is listed on the ticket without its content. */
export const MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024;
/** All of a message's kept attachments together. */
const MAX_KEPT_BYTES = 25 * 1024 * 1024;
/** New tickets one sender may open in an hour; past it, messages are added to their latest ticket. */
export const TICKETS_PER_SENDER_HOUR = 10;
const HOUR = 3_600_000;

export interface IntakeDeps {
  db: Database;
  log: Logger;
  organisation: Organisation;
  tickets: TicketDeps;
  /** A message larger than this is not parsed: it is kept in the mailbox and reported (default 40 MB). */
  maxMessageBytes?: number;
  /** An attachment larger than this is listed on the ticket without its content (default 10 MB). */
  maxAttachmentBytes?: number;
}

/** Larger messages are reported, not parsed: mailparser holds a whole message in memory. */
export const MAX_MESSAGE_BYTES = 40 * 1024 * 1024;

export interface Taken {
  outcome: InboundOutcome | 'duplicate';
  ticketNumber?: number;
}

/** The address part, lower-cased, of the first address in a header. */
function firstAddress(header: AddressObject | AddressObject[] | undefined): { address?: string; name?: string } {
  const list = Array.isArray(header) ? header : header ? [header] : [];
  for (const group of list)
    for (const a of group.value) if (a.address) return { address: a.address.toLowerCase(), name: a.name || undefined };
  return {};
}

function allAddresses(...headers: (AddressObject | AddressObject[] | undefined)[]): string[] {
  const out: string[] = [];
  for (const header of headers)
    for (const group of Array.isArray(header) ? header : header ? [header] : [])
      for (const a of group.value) if (a.address) out.push(a.address.toLowerCase());
  return out;
}

const stripBrackets = (id: string) => id.trim().replace(/^<|>$/g, '');

function headerText(parsed: ParsedMail, name: string): string {
  const value = parsed.headers.get(name);
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'object' && 'text' in value && typeof value.text === 'string') return value.text;
  if (typeof value === 'object' && 'value' in value) return String((value as { value: unknown }).value);
  return String(value);
}

/**
 * Mail no person wrote: bounces, out-of-office replies, lists. Answering it could start a loop
 * between two robots, so it is kept and never answered.
 */
export function isAutomatic(parsed: ParsedMail, from: string | undefined): boolean {
  const autoSubmitted = headerText(parsed, 'auto-submitted').trim().toLowerCase();
  if (autoSubmitted && autoSubmitted !== 'no') return true;
  if (/^(bulk|list|junk)$/i.test(headerText(parsed, 'precedence').trim())) return true;
  if (parsed.headers.has('list-id')) return true;
  const returnPath = headerText(parsed, 'return-path').trim();
  if (parsed.headers.has('return-path') && (returnPath === '' || returnPath === '<>')) return true;
  if (!from || /^(mailer-daemon|postmaster)@/i.test(from)) return true;
  if (/^(auto-reply|autoreply|noreply|no-reply|donotreply|do-not-reply)@/i.test(from)) return true;
  return false;
}

/** The new part of a reply: quoted lines and the quoted history under "On … wrote:" left out. */
export function trimQuoted(text: string): string {
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  const kept: string[] = [];
  for (const line of lines) {
    if (
      /^(On .{3,200} wrote:|Il giorno .{3,200} ha scritto:|.{0,200}\d{1,2}:\d{2}.{0,200}(написал|пишет)\(?а?\)?:)\s*$/i.test(
        line.trim(),
      ) ||
      /^-{2,}\s*(Original Message|Messaggio originale|Исходное сообщение|Пересылаемое сообщение)\s*-{2,}$/i.test(
        line.trim(),
      ) ||
      (/^(From|Da|От):\s.+$/.test(line.trim()) && kept.length > 0 && kept.at(-1)!.trim() === '')
    )
      break;
    if (line.startsWith('>')) continue;
    kept.push(line);
  }
  const trimmed = kept.join('\n').trim();
  return trimmed || text.trim();
}

/** The message as the tickets keep it: ids without brackets, text (HTML-only mail turned to text), attachments within limits. */
export function incomingOf(
  parsed: ParsedMail,
  key: string,
  to: string,
  receivedAt: Date,
  maxAttachmentBytes = MAX_ATTACHMENT_BYTES,
): IncomingEmail {
  const from = firstAddress(parsed.from);
  const original = (parsed.text ?? '').trim();
  let kept = 0;
  const references = (
    Array.isArray(parsed.references) ? parsed.references : parsed.references ? [parsed.references] : []
  )
    .flatMap((r) => r.split(/\s+/))
    .filter(Boolean)
    .map(stripBrackets);
  return {
    messageId: parsed.messageId ? stripBrackets(parsed.messageId) : key,
    inReplyTo: parsed.inReplyTo ? stripBrackets(parsed.inReplyTo.split(/\s+/)[0]!) : undefined,
    references,
    from: from.address ?? '',
    fromName: from.name,
    to,
    subject: (parsed.subject ?? '').trim(),
    body: trimQuoted(original).slice(0, 100_000),
    original: original.slice(0, 1_000_000),
    attachments: parsed.attachments
      .filter((a) => a.contentDisposition !== 'inline' || !a.related)
      .map((a) => {
        const size = a.size ?? a.content.length;
        const keep = size <= maxAttachmentBytes && kept + size <= MAX_KEPT_BYTES;
        if (keep) kept += size;
        return {
          filename: (a.filename ?? 'attachment').slice(0, 200),
          contentType: a.contentType || 'application/octet-stream',
          size,
          content: keep ? a.content.toString('base64') : undefined,
        };
      }),
    receivedAt,
  };
}

/** The key a message is taken once by: its Message-ID, or without one a digest of the whole message. */
export function keyOf(parsed: ParsedMail | undefined, raw: Buffer): string {
  const id = parsed?.messageId ? stripBrackets(parsed.messageId) : '';
  return id ? `mid:${id.slice(0, 900)}` : `sha256:${createHash('sha256').update(raw).digest('hex')}`;
}

const megabytes = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

/** A message's header block, unparsed, with a reader for one field (folded lines joined). */
function headerBlock(raw: Buffer): (name: string) => string | undefined {
  const head =
    raw
      .subarray(0, 64 * 1024)
      .toString('latin1')
      .split(/\r?\n\r?\n/)[0] ?? '';
  return (name) =>
    new RegExp(`^${name}:[ \\t]*(.*(?:\\r?\\n[ \\t].*)*)`, 'im')
      .exec(head)?.[1]
      ?.replace(/\r?\n[ \t]+/g, ' ')
      .trim();
}

/** The address in a From or To field: the last <...>, or else the first word with an @, lower-cased. */
const addressIn = (v?: string) =>
  v
    ? ([...v.matchAll(/<([^<>]+)>/g)].at(-1)?.[1] ?? /[^\s<>()",;]+@[^\s<>()",;]+/.exec(v)?.[0] ?? v)
        .trim()
        .toLowerCase()
        .slice(0, 300)
    : undefined;

/** The headers a message that could not be read still shows (from, to, subject), read leniently. */
function glance(raw: Buffer): { from?: string; to?: string; subject?: string } {
  const field = headerBlock(raw);
  return { from: addressIn(field('From')), to: addressIn(field('To')), subject: field('Subject')?.slice(0, 300) };
}

/**
 * What orders a message among others, read without parsing it: its sender, its own Message-ID, and the
 * ids it answers (In-Reply-To, References). Messages that share a sender, or where one answers the
 * other, must be taken one after the other.
 */
export function threadOf(raw: Buffer): { from?: string; messageId?: string; answers: string[] } {
  const field = headerBlock(raw);
  const ids = (v?: string) => [...(v ?? '').matchAll(/<([^<>\s]+)>/g)].map((m) => m[1]!);
  return {
    from: addressIn(field('From')),
    messageId: ids(field('Message-ID'))[0],
    answers: [...ids(field('In-Reply-To')), ...ids(field('References'))],
  };
}

/**
 * A message that cannot be taken (too large, unparseable, or failing every time it is taken): recorded
 * once as failed, with what its headers show, for the dashboard; it stays in the mailbox for a person to
 * read, and is not retried.
 */
export async function recordUnreadable(deps: IntakeDeps, raw: Buffer, error: string): Promise<Taken> {
  const now = deps.tickets.clock.now();
  const key = keyOf(undefined, raw);
  const seen = glance(raw);
  const fresh = await deps.db.withTransaction((tx) => claim(tx, key, seen, 'failed', now, error.slice(0, 500)));
  if (fresh)
    deps.log.error(
      { key, from: seen.from, subject: seen.subject, err: error },
      'a message in the helpdesk mailbox could not be read; it stays there, reported on the dashboard',
    );
  return { outcome: fresh ? 'failed' : 'duplicate' };
}

/**
 * Takes one message from the mailbox, once: everything it leads to (its inbound row, the ticket or the
 * addition, the automatic reply in the outbox) is committed together, keyed on the message, so a
 * message read again after a restart or a reconnect changes nothing. Never throws for the message's
 * content: a message that cannot be read is recorded as failed (and kept in the mailbox).
 */
export async function takeMessage(deps: IntakeDeps, raw: Buffer): Promise<Taken> {
  const now = deps.tickets.clock.now();
  const limit = deps.maxMessageBytes ?? MAX_MESSAGE_BYTES;
  if (raw.length > limit)
    return recordUnreadable(
      deps,
      raw,
      `the message is ${megabytes(raw.length)}, over the limit of ${megabytes(limit)}`,
    );
  let parsed: ParsedMail;
  try {
    parsed = await simpleParser(raw, { skipImageLinks: true, maxHtmlLengthToParse: 2_000_000 });
  } catch (err) {
    return recordUnreadable(deps, raw, errorMessage(err));
  }
  const key = keyOf(parsed, raw);
  const from = firstAddress(parsed.from).address;
  const ours = deps.organisation.email.addresses;
  const recipients = allAddresses(parsed.to, parsed.cc, parsed.bcc);
  const delivered = headerText(parsed, 'delivered-to').trim().toLowerCase();
  const to = ours.find((a) => recipients.includes(a.address) || a.address === delivered);
  const summary = { from, to: to?.address ?? recipients[0], subject: parsed.subject };

  const mail = incomingOf(parsed, key, to?.address ?? recipients[0] ?? '', now, deps.maxAttachmentBytes);
  // Read before the transaction, so taking a message holds one connection at a time.
  const match = mail.from ? await clientBySender(deps.tickets, mail.from) : undefined;

  const taken = await deps.db.withTransaction(async (tx): Promise<Taken & { fresh: boolean }> => {
    // Claimed first: a second reading of the same message, here or on another instance, stops here.
    if (!(await claim(tx, key, summary, 'ignored', now))) return { outcome: 'duplicate', fresh: false };
    if (isAutomatic(parsed, from)) return { outcome: 'ignored', fresh: true };
    const sender: Sender = { clientId: match?.clientId, contactId: match?.contactId, line: to?.line };

    const thread = await ticketOfReply(tx, mail);
    if (thread && mayWriteOn(thread, sender, mail.from)) {
      const ticket = await addEmailToTicket(deps.tickets, tx, thread, mail);
      await settle(tx, key, 'added', ticket.id);
      return { outcome: 'added', ticketNumber: ticket.number, fresh: true };
    }
    if (!match && deps.organisation.email.senders === 'registered') {
      // One explanation a day per address; never a ticket.
      const day = now.toISOString().slice(0, 10);
      await deps.tickets.pager.tellCustomer(
        tx,
        { email: mail.from },
        { kind: 'email_refused' },
        {
          key: `email-refused:${mail.from}:${day}`,
          thread: {
            messageId: `refused.${createHash('sha1').update(key).digest('hex')}@${new URL(deps.tickets.publicUrl).hostname}`,
            inReplyTo: mail.messageId,
            references: [mail.messageId],
          },
        },
      );
      await settle(tx, key, 'refused');
      return { outcome: 'refused', fresh: true };
    }
    if ((await ticketsOpenedSince(tx, mail.from, new Date(now.getTime() - HOUR))) >= TICKETS_PER_SENDER_HOUR) {
      const latest = await latestEmailTicketOf(tx, mail.from);
      if (latest) {
        const ticket = await addEmailToTicket(deps.tickets, tx, latest, mail);
        await settle(tx, key, 'added', ticket.id);
        return { outcome: 'added', ticketNumber: ticket.number, fresh: true };
      }
    }
    const ticket = await openTicketByEmail(deps.tickets, tx, mail, sender);
    await settle(tx, key, 'ticket', ticket.id);
    return { outcome: 'ticket', ticketNumber: ticket.number, fresh: true };
  });
  if (taken.fresh) {
    deps.tickets.onOutbox();
    deps.log.info({ outcome: taken.outcome, ticket: taken.ticketNumber }, 'email taken');
  }
  return { outcome: taken.outcome, ticketNumber: taken.ticketNumber };
}
