import type { Organisation } from '../config/index.js';
import type { conversationOf, TicketMessage } from '../tickets/index.js';
import { html, type Html } from './html.js';
import { csrfField, when, type PageContext } from './layout.js';

type Messages = Awaited<ReturnType<typeof conversationOf>>;

const size = (bytes: number) =>
  bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : `${Math.max(1, Math.round(bytes / 1024))} KB`;

/** Where a message came from, in a word staff read at a glance. */
const FROM: Record<TicketMessage['channel'], string> = {
  email: 'by email',
  portal: 'on the portal',
  phone: 'by phone',
  staff: 'by staff',
};

function meta(ctx: PageContext, org: Organisation, m: Messages[number]): Html {
  const staffName = (id: string | null) => (id ? (org.staff.find((s) => s.id === id)?.name ?? id) : undefined);
  if (m.direction === 'in')
    return html`<strong>${m.fromAddress}</strong> wrote <span class="badge">${FROM[m.channel]}</span>${m.unverified ? html` <span class="badge warning" data-unverified title="Its sender's mail server did not prove the address (no DKIM or DMARC pass): it may be forged.">sender not verified</span>` : ''}`;
  if (m.internal)
    return html`<strong>${staffName(m.staffId) ?? 'Staff'}</strong> <span class="badge warning">internal note: staff only</span>`;
  return html`<strong>${m.automatic ? 'Automatic reply' : (staffName(m.staffId) ?? 'Helpdesk')}</strong> to ${m.toAddress} <span class="badge">${m.automatic ? 'emailed' : 'emailed, on the portal'}</span>`;
}

/**
 * The ticket's conversation, oldest first, whichever way each message came (email, the portal, the phone,
 * staff), with staff's internal notes marked; then the two ways to write on it: a reply to the client
 * (emailed in the conversation and shown on the portal), and an internal note (staff only).
 */
export function conversationSection(
  ctx: PageContext,
  org: Organisation,
  path: string,
  messages: Messages,
  replyTo: string | undefined,
  canWrite: boolean,
): Html {
  return html`<section class="card" id="conversation">
    <h2 style="margin-top:0">Conversation</h2>
    ${messages.length === 0 ? html`<p class="muted">No messages on this ticket yet.</p>` : ''}
    <ol class="conversation">
    ${messages.map(
      (
        m,
      ) => html`<li class="message ${m.direction}${m.internal ? ' internal' : ''}" data-message="${m.direction}" data-channel="${m.channel}"${m.internal ? html` data-internal` : ''}>
        <p class="meta">${when(ctx, m.at)} ${meta(ctx, org, m)}<br><span class="muted">${m.subject}</span></p>
        <div class="body">${m.body}</div>
        ${
          m.direction === 'in' && m.original.trim() !== m.body.trim()
            ? html`<details><summary>Whole message, with the quoted history</summary><div class="body">${m.original}</div></details>`
            : ''
        }
        ${
          m.attachments.length
            ? html`<ul class="attachments">${m.attachments.map((a) =>
                a.kept
                  ? html`<li><a href="${path}/attachments/${a.id}" download>${a.filename}</a> <span class="muted">${size(a.size)}</span></li>`
                  : html`<li>${a.filename} <span class="muted">${size(a.size)}, over the size limit: not kept</span></li>`,
              )}</ul>`
            : ''
        }
      </li>`,
    )}
    </ol>
    ${
      canWrite
        ? html`<div class="grid">
      ${
        replyTo
          ? html`<form method="post" action="${path}/reply" class="reply">${csrfField(ctx)}
        <h3>Reply to the client</h3>
        <label for="reply">Reply to ${replyTo} <span class="muted">(emailed from the helpdesk's address in this conversation, and shown on the portal; their answer comes back here)</span></label>
        <textarea id="reply" name="text" rows="5" maxlength="20000" required style="width:100%"></textarea>
        <button type="submit">Send reply</button>
      </form>`
          : html`<p class="muted">No email address to reply to: call the requester instead.</p>`
      }
      <form method="post" action="${path}/note" class="note">${csrfField(ctx)}
        <h3>Internal note</h3>
        <label for="note">For staff only <span class="muted">(never emailed, never on the portal)</span></label>
        <textarea id="note" name="text" rows="5" maxlength="20000" required style="width:100%"></textarea>
        <button type="submit" class="secondary">Add note</button>
      </form>
    </div>`
        : ''
    }
  </section>`;
}
