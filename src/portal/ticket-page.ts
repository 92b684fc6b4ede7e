import type { Organisation } from '../config/index.js';
import { html, type Html } from '../http/html.js';
import { priorityName } from '../paging/index.js';
import {
  OPEN_STATUSES,
  ticketLabel,
  type Ticket,
  type TicketMessage,
  type TicketAttachment,
} from '../tickets/index.js';
import { csrfField, timeOfDay, when, type PageContext } from './layout.js';

/** A message of the conversation as the client may see it (never an internal note). */
export type ShownMessage = TicketMessage & { attachments: TicketAttachment[] };

/** A phone ticket's calls, in plain words: when a voicemail was left, and who took it when. */
export interface PhoneSummary {
  voicemails: { at: Date; emergency: boolean }[];
  takenBy?: string;
  takenAt?: Date | null;
}

export interface TicketView {
  ticket: Ticket;
  messages: ShownMessage[];
  phone?: PhoneSummary;
  /** The client may still reopen it (closed within 14 days). */
  mayReopen: boolean;
}

const size = (bytes: number) =>
  bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : `${Math.max(1, Math.round(bytes / 1024))} KB`;

const staffName = (org: Organisation, id: string | null) =>
  id ? (org.staff.find((s) => s.id === id)?.name ?? undefined) : undefined;

/** The facts of a ticket, as the list and the page show them. */
export const lineName = (org: Organisation, line: string | null) =>
  line ? (org.serviceLines.find((l) => l.id === line)?.name ?? line) : undefined;

function phoneLines(ctx: PageContext, p: PhoneSummary): Html {
  const { w, zone } = ctx;
  const items = p.voicemails.length
    ? p.voicemails.map((v, i) =>
        w.phoneSummary({
          emergency: v.emergency,
          at: timeOfDay(zone, v.at),
          ...(i === 0 && p.takenBy && p.takenAt ? { by: p.takenBy, takenAt: timeOfDay(zone, p.takenAt) } : {}),
        }),
      )
    : [];
  return html`<ul class="phone">${items.map((text) => html`<li>${text}</li>`)}</ul>`;
}

function messageOf(ctx: PageContext, org: Organisation, path: string, m: ShownMessage): Html {
  const { w } = ctx;
  const who =
    m.direction === 'in'
      ? html`<strong>${m.fromAddress}</strong> <span class="muted">${m.channel === 'email' ? w.byEmail : w.onThePortal}</span>`
      : html`<strong>${staffName(org, m.staffId) ?? org.name}</strong>, ${org.name}`;
  return html`<li class="message ${m.direction}" data-channel="${m.channel}">
    <p class="meta">${who} · ${when(ctx, m.at)}</p>
    <div class="body">${m.body}</div>
    ${
      m.attachments.length
        ? html`<ul class="attachments">${m.attachments.map((a) =>
            a.kept
              ? html`<li><a href="${path}/attachments/${a.id}" download>${a.filename}</a> <span class="muted">${size(a.size)}</span></li>`
              : html`<li>${a.filename} <span class="muted">${size(a.size)}</span></li>`,
          )}</ul>`
        : ''
    }
  </li>`;
}

/** One ticket: its facts, the conversation (or a phone ticket's summary), and what the client can do next. */
export function ticketPage(ctx: PageContext, org: Organisation, view: TicketView): Html {
  const { w } = ctx;
  const t = view.ticket;
  const path = `/portal/tickets/${t.number}`;
  const open = OPEN_STATUSES.includes(t.status);
  const holder = staffName(org, t.acknowledgedBy);
  const line = lineName(org, t.line);
  return html`<section class="card">
    <dl class="facts">
      <dt>${w.facts.status}</dt><dd><span class="badge ${t.status}">${w.status[t.status]}</span></dd>
      <dt>${w.facts.priority}</dt><dd>${priorityName(org.language, t.priority)}</dd>
      ${line ? html`<dt>${w.facts.line}</dt><dd>${line}</dd>` : ''}
      ${open && t.slaDueAt ? html`<dt>${w.facts.due}</dt><dd>${when(ctx, t.slaDueAt)}</dd>` : ''}
      <dt>${w.facts.with}</dt><dd>${holder ?? html`<span class="muted">${w.facts.nobody}</span>`}</dd>
      <dt>${w.facts.opened}</dt><dd>${when(ctx, t.createdAt)}</dd>
    </dl>
  </section>
  <section class="card">
    <h2>${w.conversation}</h2>
    ${view.phone ? phoneLines(ctx, view.phone) : ''}
    <ol class="conversation">${view.messages.map((m) => messageOf(ctx, org, path, m))}</ol>
    ${
      open
        ? html`<form method="post" action="${path}/replies" enctype="multipart/form-data" class="reply">
      ${csrfField(ctx.csrf)}
      <label for="body">${w.writeReply}</label>
      <textarea id="body" name="body" rows="5" maxlength="20000"></textarea>
      <label for="attachments">${w.filesLabel}</label>
      <input id="attachments" name="attachments" type="file" multiple>
      <button type="submit">${w.send}</button>
    </form>`
        : ''
    }
  </section>
  <section class="card">
    ${
      open
        ? html`<form method="post" action="${path}/solved">${csrfField(ctx.csrf)}
      <button type="submit" class="secondary">${w.solved}</button> <span class="muted">${w.solvedHint}</span></form>`
        : view.mayReopen
          ? html`<form method="post" action="${path}/reopen">${csrfField(ctx.csrf)}<button type="submit">${w.reopen}</button></form>`
          : html`<p class="muted">${w.tooLateToReopen}</p>`
    }
  </section>`;
}

/** The page's title: "TK-1042 · Printer on floor 2 offline". */
export const ticketTitle = (t: Ticket) => `${ticketLabel(t.number)} · ${t.summary}`;
