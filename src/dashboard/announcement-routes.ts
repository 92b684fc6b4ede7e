import type { Request, Response, Router } from 'express';
import { DateTime } from 'luxon';
import { z } from 'zod';
import {
  isLive,
  listAnnouncements,
  newAnnouncementSchema,
  postAnnouncement,
  takeDownAnnouncement,
} from '../announcements/index.js';
import { clientNames } from '../clients/index.js';
import { clientIp } from '../http/client-ip.js';
import type { Kit } from './kit.js';
import { html } from './html.js';
import { csrfField, page, when } from './layout.js';
import { allow } from './session.js';

const PATH = '/dashboard/announcements';

/** Known outages and planned work: what callers hear right after the welcome. */
export function announcementPages(router: Router, { s, org, ctxOf, send, after, refuse }: Kit): void {
  const deps = s.announcements;
  const who = (req: Request, res: Response) => ({
    actor: res.locals.signed!.account.email,
    ip: clientIp(req, s.env.CLIENT_IP_HEADER),
  });
  router.get('/announcements', allow('manageAnnouncements'), async (req, res) => {
    const ctx = ctxOf(req, res);
    const now = s.clock.now();
    const all = await listAnnouncements(s.db.q);
    const clients = await clientNames(s.db.q);
    const clientName = (id: number) => clients.find((c) => c.id === id)?.name ?? `client ${id}`;
    const lineName = (id: string) => org.serviceLines.find((l) => l.id === id)?.name ?? id;
    const state = (a: (typeof all)[number]) =>
      a.deletedAt || (a.endsAt && a.endsAt <= now)
        ? html`<span class="badge">ended</span>`
        : isLive(a, now)
          ? html`<span class="badge critical">callers hear it</span>`
          : html`<span class="badge warning">from ${when(ctx, a.startsAt)}</span>`;
    const body = html`
      <p class="muted">Callers hear an announcement right after the welcome, before the menu, from its start until its end. Keep it short: they are waiting to be helped.</p>
      <table class="stack" data-announcements><thead><tr><th>What callers hear</th><th>Who hears it</th><th>Until</th><th>Now</th><th></th></tr></thead><tbody>
      ${all.length === 0 ? html`<tr><td colspan="5" class="muted">No announcements.</td></tr>` : ''}
      ${all.map(
        (a) => html`<tr>
          <td data-label="What callers hear">${a.text}</td>
          <td data-label="Who hears it">${a.clientIds || a.lines ? [...(a.clientIds ?? []).map(clientName), ...(a.lines ?? []).map(lineName)].join(', ') : 'Every caller'}</td>
          <td data-label="Until">${a.deletedAt ? when(ctx, a.deletedAt) : a.endsAt ? when(ctx, a.endsAt) : html`<span class="muted">until taken down</span>`}</td>
          <td data-label="Now">${state(a)}</td>
          <td>${!a.deletedAt && (!a.endsAt || a.endsAt > now) ? html`<form method="post" action="${PATH}/${a.id}/end" class="inline">${csrfField(ctx)}<button type="submit" class="secondary">Take down</button></form>` : ''}</td>
        </tr>`,
      )}
      </tbody></table>
      <h2>New announcement</h2>
      <form method="post" action="${PATH}" class="card">${csrfField(ctx)}
        <label for="an-text">What callers hear</label>
        <textarea id="an-text" name="text" rows="3" maxlength="1000" required style="width:100%" placeholder="Our email service is down since 8 a.m.; we are working on it."></textarea>
        <div class="grid">
          <div><label for="an-from">From (empty: now)</label><input id="an-from" name="startsAt" type="datetime-local"></div>
          <div><label for="an-until">Until (empty: until taken down)</label><input id="an-until" name="endsAt" type="datetime-local"></div>
          <div><label for="an-clients">Only these clients' callers</label><select id="an-clients" name="clientIds" multiple size="4">${clients.map((c) => html`<option value="${c.id}">${c.name}</option>`)}</select></div>
          ${org.serviceLines.length ? html`<div><label for="an-lines">Only these lines</label><select id="an-lines" name="lines" multiple size="3">${org.serviceLines.map((l) => html`<option value="${l.id}">${l.name}</option>`)}</select></div>` : ''}
        </div>
        <p class="muted">Times are ${org.timezone}.</p>
        <p><label><input id="an-notify" type="checkbox" name="notify" value="yes"> Also email the contacts of the clients who hear it, now and when it ends</label></p>
        <button type="submit">Announce</button>
      </form>`;
    send(res, page(ctx, PATH, 'Announcements', body));
  });

  // The form's times are the organisation's local wall clock; several selected options arrive as an array.
  const instant = (value: unknown) => {
    if (typeof value !== 'string' || !value.trim()) return undefined;
    const at = DateTime.fromISO(value, { zone: org.timezone });
    return at.isValid ? at.toUTC().toISO()! : 'invalid';
  };
  const list = (value: unknown) => (value === undefined || value === '' ? [] : Array.isArray(value) ? value : [value]);
  router.post('/announcements', allow('manageAnnouncements'), async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const startsAt = instant(body.startsAt);
    const endsAt = instant(body.endsAt);
    if (startsAt === 'invalid' || endsAt === 'invalid') return refuse(res, PATH, 'Give the times as dates and times.');
    const clientIds = list(body.clientIds).map(Number);
    const lines = list(body.lines).map(String);
    const input = {
      text: typeof body.text === 'string' ? body.text : '',
      ...(startsAt ? { startsAt } : {}),
      ...(endsAt ? { endsAt } : {}),
      ...(clientIds.length ? { clientIds } : {}),
      ...(lines.length ? { lines } : {}),
      ...(body.notify === 'yes' ? { notify: true } : {}),
    };
    const parsed = newAnnouncementSchema.safeParse(input);
    if (!parsed.success)
      return refuse(
        res,
        PATH,
        parsed.error.issues[0]?.path[0] === 'text'
          ? 'Write what callers should hear, in at most 1,000 characters: they listen to all of it.'
          : 'Choose the clients and lines from the lists.',
      );
    const outcome = await postAnnouncement(deps, parsed.data, who(req, res));
    if (outcome.ok) await deps.board.refresh();
    const emailed = (n: number) =>
      n === 0 ? '' : n === 1 ? ' One contact is being emailed.' : ` ${n} contacts are being emailed.`;
    after(
      res,
      outcome,
      PATH,
      (a) =>
        (isLive(a, s.clock.now())
          ? 'Announced: callers hear it from now on.'
          : 'Announced: callers hear it from its start.') + emailed(a.notified),
    );
  });
  router.post('/announcements/:id/end', allow('manageAnnouncements'), async (req, res) => {
    const id = z.coerce.number().int().positive().max(2_147_483_647).safeParse(req.params.id);
    if (!id.success) return refuse(res, PATH, 'No such announcement.');
    const outcome = await takeDownAnnouncement(deps, id.data, who(req, res));
    if (outcome.ok) await deps.board.refresh();
    after(res, outcome, PATH, (a) =>
      a.notify
        ? 'Taken down: callers no longer hear it, and its contacts are told it is over.'
        : 'Taken down: callers no longer hear it.',
    );
  });
}
