import type { Router } from 'express';
import { can, staffOfAccount } from '../auth/index.js';
import type { Organisation } from '../config/index.js';
import type { ReadQ } from '../db/index.js';
import { FEED_DAYS, hasFeed, newFeedToken, rotationsOf } from '../oncall/index.js';
import { html, type Html } from './html.js';
import type { Kit } from './kit.js';
import { csrfField, page, type PageContext } from './layout.js';
import { allow } from './session.js';

/** The on-call page's calendar card: your own feed, and (for those who manage on call) each rotation's. */
export async function feedsCard(q: ReadQ, ctx: PageContext, org: Organisation): Promise<Html> {
  const me = staffOfAccount(org, ctx.account);
  const manage = can(ctx.account.role, 'manageOnCall');
  if (!me && !manage) return html``;
  const rotations = manage ? rotationsOf(org) : [];
  const made = await Promise.all(rotations.map((r) => hasFeed(q, 'line', r.id)));
  const button = (action: string, exists: boolean, what: string) =>
    html`<form method="post" action="${action}" class="inline">${csrfField(ctx)}<button type="submit" class="secondary">${exists ? `New address for ${what}` : `Make a feed for ${what}`}</button></form>`;
  return html`<section class="card" data-feeds><h2 style="margin-top:0">In your calendar</h2>
    <p class="muted">A calendar app subscribes to a secret address and shows every shift and override for the next ${FEED_DAYS} days. The address is shown once, when it is made; a new one stops the old one working.</p>
    ${me ? button('/dashboard/oncall/feed', await hasFeed(q, 'staff', me.id), 'your shifts') : ''}
    ${rotations.map((r, i) => button(`/dashboard/oncall/feeds/${encodeURIComponent(r.id)}`, made[i]!, `the ${r.name} rotation`))}
  </section>`;
}

/** Makes (or replaces) a feed's secret address and shows it, once. */
export function feedRoutes(router: Router, { s, org, ctxOf, send, refuse }: Kit): void {
  const deps = { db: s.db, clock: s.clock, organisation: org };
  const shown = (ctx: PageContext, what: string, token: string) =>
    page(
      ctx,
      '/dashboard/oncall',
      'Calendar feed',
      html`<section class="card"><h2 style="margin-top:0">${what}</h2>
        <p>Subscribe to this address in your calendar app (Google Calendar: Other calendars, From URL; Outlook: Add calendar, Subscribe from web; Apple Calendar: File, New Calendar Subscription). Keep it to yourself: anyone with it sees the rota.</p>
        <p><input readonly aria-label="Feed address" data-feed-url value="${s.publicUrl}/oncall/${token}.ics" style="width:100%"></p>
        <p class="muted">This address is not shown again; a new one replaces it.</p>
        <p><a href="/dashboard/oncall">Back to who is on call</a></p></section>`,
    );
  router.post('/oncall/feed', async (req, res) => {
    const ctx = ctxOf(req, res);
    const me = staffOfAccount(org, ctx.account);
    if (!me) return refuse(res, '/dashboard/oncall', 'Your account is not one of the staff in the organisation file.');
    send(res, shown(ctx, `Your shifts, ${me.name}`, await newFeedToken(deps, 'staff', me.id, ctx.account.email)));
  });
  router.post('/oncall/feeds/:rotation', allow('manageOnCall'), async (req, res) => {
    const ctx = ctxOf(req, res);
    const rotation = rotationsOf(org).find((r) => r.id === req.params.rotation);
    if (!rotation) return refuse(res, '/dashboard/oncall', 'No such rotation.');
    send(
      res,
      shown(ctx, `The ${rotation.name} rotation`, await newFeedToken(deps, 'line', rotation.id, ctx.account.email)),
    );
  });
}
