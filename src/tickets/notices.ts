import { DateTime } from 'luxon';
import { canText, type Organisation } from '../config/index.js';
import type { Tx } from '../db/index.js';
import { enqueue, type NewOutboxRow } from '../paging/outbox.js';
import { clientById } from '../clients/repository.js';
import { addEvent, type Ticket } from './repository.js';
import type { Priority } from './schema.js';
import { ticketLabel } from './label.js';

/** What a requester is told about, each in the organisation's language. */
export type RequesterChange =
  | { kind: 'opened' }
  | { kind: 'acknowledged'; by: string }
  | { kind: 'returned'; message: string }
  | { kind: 'priority'; from: Priority; to: Priority }
  | { kind: 'resolved'; note?: string };

interface Words {
  priority: Record<Priority, string>;
  subject: (org: string, label: string) => string;
  opened: (v: Vars) => string;
  acknowledged: (v: Vars & { by: string }) => string;
  returned: (v: Vars & { message: string }) => string;
  priorityChanged: (v: Vars & { from: string; to: string }) => string;
  resolved: (v: Vars & { note?: string }) => string;
}

interface Vars {
  org: string;
  label: string;
  number: number;
  helpdesk: string;
  priority: string;
  due?: string;
}

const WORDS: Record<'en' | 'it' | 'ru', Words> = {
  en: {
    priority: { critical: 'Critical', high: 'High', medium: 'Medium', low: 'Low' },
    subject: (org, label) => `[${org}] Your ticket ${label}`,
    opened: (v) =>
      `${v.org}: we opened ticket ${v.label} for you, priority ${v.priority}.${v.due ? ` We aim to resolve it by ${v.due}.` : ''}`,
    acknowledged: (v) => `${v.org}: ${v.by} is now working on your ticket ${v.label}.`,
    returned: (v) =>
      `${v.org}: we need more information on ticket ${v.label}: ${v.message} Reply, or call ${v.helpdesk}, press 3 and enter ${v.number}.`,
    priorityChanged: (v) =>
      `${v.org}: ticket ${v.label} changed from ${v.from} to ${v.to} priority.${v.due ? ` We now aim to resolve it by ${v.due}.` : ''}`,
    resolved: (v) =>
      `${v.org}: ticket ${v.label} is resolved.${v.note ? ` ${v.note}` : ''} If it is not, call ${v.helpdesk}, press 3 and enter ${v.number}.`,
  },
  it: {
    priority: { critical: 'Critica', high: 'Alta', medium: 'Media', low: 'Bassa' },
    subject: (org, label) => `[${org}] La sua richiesta ${label}`,
    opened: (v) =>
      `${v.org}: abbiamo aperto la richiesta ${v.label}, priorità ${v.priority}.${v.due ? ` Contiamo di risolverla entro ${v.due}.` : ''}`,
    acknowledged: (v) => `${v.org}: ${v.by} sta lavorando alla sua richiesta ${v.label}.`,
    returned: (v) =>
      `${v.org}: ci servono altre informazioni sulla richiesta ${v.label}: ${v.message} Risponda, oppure chiami il ${v.helpdesk}, prema 3 e digiti ${v.number}.`,
    priorityChanged: (v) =>
      `${v.org}: la priorità della richiesta ${v.label} è passata da ${v.from} a ${v.to}.${v.due ? ` Contiamo di risolverla entro ${v.due}.` : ''}`,
    resolved: (v) =>
      `${v.org}: la richiesta ${v.label} è risolta.${v.note ? ` ${v.note}` : ''} Se non lo è, chiami il ${v.helpdesk}, prema 3 e digiti ${v.number}.`,
  },
  ru: {
    priority: { critical: 'критический', high: 'высокий', medium: 'средний', low: 'низкий' },
    subject: (org, label) => `[${org}] Ваша заявка ${label}`,
    opened: (v) =>
      `${v.org}: мы открыли заявку ${v.label}, приоритет ${v.priority}.${v.due ? ` Мы постараемся решить её до ${v.due}.` : ''}`,
    acknowledged: (v) => `${v.org}: ${v.by} взял(а) в работу вашу заявку ${v.label}.`,
    returned: (v) =>
      `${v.org}: по заявке ${v.label} нужны уточнения: ${v.message} Ответьте или позвоните ${v.helpdesk}, нажмите 3 и введите ${v.number}.`,
    priorityChanged: (v) =>
      `${v.org}: приоритет заявки ${v.label} изменён: ${v.from} → ${v.to}.${v.due ? ` Новый срок решения: ${v.due}.` : ''}`,
    resolved: (v) =>
      `${v.org}: заявка ${v.label} решена.${v.note ? ` ${v.note}` : ''} Если это не так, позвоните ${v.helpdesk}, нажмите 3 и введите ${v.number}.`,
  },
};

export function wordsFor(language: string): Words {
  const base = language.slice(0, 2).toLowerCase();
  return base === 'it' || base === 'ru' ? WORDS[base] : WORDS.en;
}

export function priorityName(org: Organisation, p: Priority): string {
  return wordsFor(org.language).priority[p];
}

/** A local date and time the requester reads in their own words: "Tue 24 Nov, 17:00 CST". */
export function localTime(org: Organisation, at: Date): string {
  return DateTime.fromJSDate(at, { zone: org.timezone }).setLocale(org.language).toFormat('ccc d LLL, HH:mm ZZZZ');
}

export function noticeText(org: Organisation, ticket: Ticket, change: RequesterChange): string {
  const w = wordsFor(org.language);
  const v: Vars = {
    org: org.name,
    label: ticketLabel(ticket.number),
    number: ticket.number,
    helpdesk: org.helpdeskNumber,
    priority: w.priority[ticket.priority],
    due: ticket.slaDueAt ? localTime(org, ticket.slaDueAt) : undefined,
  };
  switch (change.kind) {
    case 'opened':
      return w.opened(v);
    case 'acknowledged':
      return w.acknowledged({ ...v, by: change.by });
    case 'returned':
      return w.returned({ ...v, message: change.message.trim().replace(/([^.!?])$/, '$1.') });
    case 'priority':
      return w.priorityChanged({ ...v, from: w.priority[change.from], to: w.priority[change.to] });
    case 'resolved':
      return w.resolved({ ...v, note: change.note?.trim() || undefined });
  }
}

/** Who asked: the ticket's contact (email and phone), or for an unknown caller the number they called from. */
export function requesterOf(tx: Tx, ticket: Ticket): { name?: string; email?: string; phone?: string } {
  const client = ticket.clientId ? clientById(tx, ticket.clientId) : undefined;
  const contact = client?.contacts.find((c) => c.id === ticket.contactId);
  return {
    name: contact?.name,
    email: contact?.email ?? undefined,
    phone: contact?.phone ?? ticket.callerNumber ?? undefined,
  };
}

/**
 * Tells the requester about a change, by email and (where the number takes texts) SMS, in the
 * caller's transaction. `eventId` (the timeline entry of the change) keys the messages, so a change
 * is announced once. `smsAlreadySent` skips the text when the caller already got one (a new voicemail).
 */
export function notifyRequester(
  tx: Tx,
  org: Organisation,
  ticket: Ticket,
  change: RequesterChange,
  eventId: number,
  now: Date,
  options: { skipSms?: boolean } = {},
): number {
  const who = requesterOf(tx, ticket);
  const text = noticeText(org, ticket, change);
  const base = { purpose: 'requester' as const, ticketId: ticket.id, nextAttemptAt: now, createdAt: now };
  const rows: NewOutboxRow[] = [];
  if (who.email) {
    const greeting = who.name ? `${who.name},\n\n` : '';
    rows.push({
      ...base,
      dedupeKey: `requester:${eventId}:email`,
      channel: 'email',
      recipient: who.email,
      subject: wordsFor(org.language).subject(org.name, ticketLabel(ticket.number)),
      body: `${greeting}${text}\n`,
    });
  }
  if (who.phone && !options.skipSms && canText(who.phone)) {
    rows.push({ ...base, dedupeKey: `requester:${eventId}:sms`, channel: 'sms', recipient: who.phone, body: text });
  }
  const written = enqueue(tx, rows);
  if (rows.length)
    addEvent(tx, ticket.id, now, 'requester_notified', { change: change.kind, channels: rows.map((r) => r.channel) });
  return written;
}

/**
 * For the paths that must never fail because of a courtesy message (a voicemail becoming a ticket, an
 * acknowledgement): the notice is written in a savepoint, and if anything in it fails, only it is
 * undone and the timeline says so; the caller's transaction goes on.
 */
export function notifyRequesterSafely(
  tx: Tx,
  org: Organisation,
  ticket: Ticket,
  change: RequesterChange,
  eventId: number,
  now: Date,
  options: { skipSms?: boolean } = {},
): void {
  try {
    tx.transaction((inner) => {
      notifyRequester(inner as Tx, org, ticket, change, eventId, now, options);
    });
  } catch (err) {
    addEvent(tx, ticket.id, now, 'note', {
      text: `the requester could not be told (${change.kind})`,
      error: (err as Error).message?.slice(0, 300) ?? String(err),
    });
  }
}
