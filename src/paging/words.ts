import { DateTime } from 'luxon';
import type { Priority } from '../config/index.js';
import { ticketLabel, type RenderContext, type RequesterChange, type TicketFacts } from './notices.js';

/** What requesters read, in the organisation's language (English, Italian, Russian). */
interface Words {
  priority: Record<Priority, string>;
  subject: (org: string, label: string) => string;
  opened: (v: Vars) => string;
  acknowledged: (v: Vars & { by: string }) => string;
  returned: (v: Vars & { message: string }) => string;
  priorityChanged: (v: Vars & { from: string; to: string }) => string;
  resolved: (v: Vars & { note?: string }) => string;
  /** In the automatic reply to an email: how to follow up, and how to escalate by phone. */
  followUp: (v: { label: string; number: number; helpdesk: string }) => string;
  /** In the automatic reply to every new ticket: where to follow it on the portal, and the public notices. */
  onThePortal: (v: { ticketUrl: string; statusUrl: string }) => string;
  portalLinkSubject: (org: string) => string;
  /** The email with a sign-in link to the portal. */
  portalLink: (v: { org: string; link: string; minutes: number }) => string;
  refusedSubject: (org: string) => string;
  /** To a sender who is not registered: how to reach support. */
  refused: (org: string, helpdesk: string) => string;
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
    followUp: (v) =>
      `To add to it, reply to this email and keep [${v.label}] in the subject. If it is urgent, call ${v.helpdesk}, press 3 and enter ${v.number} to escalate it.`,
    onThePortal: (v) =>
      `Follow the ticket on the portal, where you can also reply, add files and close it: ${v.ticketUrl}\nService notices: ${v.statusUrl}`,
    portalLinkSubject: (org) => `[${org}] Your sign-in link`,
    portalLink: (v) =>
      `To sign in to the ${v.org} support portal, open this link within ${v.minutes} minutes. It works once.\n\n${v.link}\n\nIf you did not ask for it, ignore this email: nobody can sign in without the link.`,
    refusedSubject: (org) => `[${org}] Please write from your registered address`,
    refused: (org, helpdesk) =>
      `${org}: we could not open a ticket, because this address is not registered with us. Please write from the address your company registered with ${org}, or ask your administrator to add you. For anything urgent, call ${helpdesk}.`,
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
    followUp: (v) =>
      `Per aggiungere qualcosa, risponda a questa email lasciando [${v.label}] nell'oggetto. Se è urgente, chiami il ${v.helpdesk}, prema 3 e digiti ${v.number} per sollecitarla.`,
    onThePortal: (v) =>
      `Segua la richiesta sul portale, dove può anche rispondere, allegare file e chiuderla: ${v.ticketUrl}\nAvvisi sul servizio: ${v.statusUrl}`,
    portalLinkSubject: (org) => `[${org}] Il suo link di accesso`,
    portalLink: (v) =>
      `Per accedere al portale di assistenza di ${v.org}, apra questo link entro ${v.minutes} minuti. Funziona una sola volta.\n\n${v.link}\n\nSe non l'ha chiesto lei, ignori questa email: senza il link nessuno può accedere.`,
    refusedSubject: (org) => `[${org}] Scriva dall'indirizzo registrato`,
    refused: (org, helpdesk) =>
      `${org}: non abbiamo aperto una richiesta perché questo indirizzo non è registrato. Scriva dall'indirizzo che la sua azienda ha registrato presso ${org}, oppure chieda al suo amministratore di aggiungerla. Per le urgenze chiami il ${helpdesk}.`,
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
    followUp: (v) =>
      `Чтобы дополнить заявку, ответьте на это письмо, сохранив [${v.label}] в теме. Если дело срочное, позвоните ${v.helpdesk}, нажмите 3 и введите ${v.number}.`,
    onThePortal: (v) =>
      `Следите за заявкой на портале: там можно ответить, приложить файлы и закрыть её: ${v.ticketUrl}\nСообщения о работе сервиса: ${v.statusUrl}`,
    portalLinkSubject: (org) => `[${org}] Ваша ссылка для входа`,
    portalLink: (v) =>
      `Чтобы войти на портал поддержки ${v.org}, откройте эту ссылку в течение ${v.minutes} минут. Она действует один раз.\n\n${v.link}\n\nЕсли вы её не запрашивали, просто проигнорируйте это письмо: без ссылки никто не сможет войти.`,
    refusedSubject: (org) => `[${org}] Пишите с зарегистрированного адреса`,
    refused: (org, helpdesk) =>
      `${org}: мы не открыли заявку, потому что этот адрес у нас не зарегистрирован. Напишите с адреса, который ваша компания зарегистрировала в ${org}, или попросите администратора добавить вас. По срочным вопросам звоните ${helpdesk}.`,
  },
};

export function wordsFor(language: string): Words {
  const base = language.slice(0, 2).toLowerCase();
  return base === 'it' || base === 'ru' ? WORDS[base] : WORDS.en;
}

export function priorityName(language: string, p: Priority): string {
  return wordsFor(language).priority[p];
}

/** A local date and time the requester reads in their own words: "Tue 24 Nov, 17:00 CST". */
export function localTime(ctx: Pick<RenderContext, 'timezone' | 'language'>, at: Date): string {
  return DateTime.fromJSDate(at, { zone: ctx.timezone }).setLocale(ctx.language).toFormat('ccc d LLL, HH:mm ZZZZ');
}

/** The sentence that tells a requester of a change to their ticket. */
export function requesterText(ctx: RenderContext, ticket: TicketFacts, change: RequesterChange): string {
  const w = wordsFor(ctx.language);
  const v: Vars = {
    org: ctx.organisation,
    label: ticketLabel(ticket.number),
    number: ticket.number,
    helpdesk: ctx.helpdeskNumber,
    priority: w.priority[ticket.priority],
    due: ticket.slaDueAt ? localTime(ctx, ticket.slaDueAt) : undefined,
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
