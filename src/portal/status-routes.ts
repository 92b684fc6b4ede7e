import { Router } from 'express';
import { recentNotices, type PublicNotice } from '../announcements/index.js';
import { escapeXml, html } from '../http/html.js';
import type { PortalDeps } from './deps.js';
import { statusBody } from './account-page.js';
import { documentOf } from './layout.js';
import { wordsOf } from './languages.js';

/** An entry's title: the notice's first words, and whether it is over or planned. */
function titleOf(n: PublicNotice, w: ReturnType<typeof wordsOf>): string {
  const gist = n.text.length > 80 ? `${n.text.slice(0, 80).replace(/\s+\S*$/, '')}…` : n.text;
  return n.over ? `${w.resolved}: ${gist}` : !n.live && !n.over ? `${w.planned}: ${gist}` : gist;
}

/**
 * The public notices, for anyone and without signing in: GET /status (a page), /status.json and
 * /status/feed.atom (one entry per notice, with an id that never changes; a notice's end updates it).
 */
export function statusRoutes(deps: PortalDeps): Router {
  const router = Router();
  const w = wordsOf(deps.organisation.language);
  const org = deps.organisation.name;
  const host = new URL(deps.publicUrl).hostname;
  const notices = () => recentNotices(deps.db.q, deps.clock.now());
  const cached = (res: import('express').Response) => res.set('Cache-Control', 'public, max-age=30');

  router.get('/status', async (_req, res) => {
    const body = html`<main class="narrow wide">
<h1>${w.statusTitle(org)}</h1>
${statusBody(w, deps.organisation.timezone, await notices())}
</main>`;
    cached(res)
      .type('html')
      .send(documentOf(w, w.statusTitle(org), body));
  });
  router.get('/status.json', async (_req, res) => {
    const list = await notices();
    cached(res).json({
      notices: list.map((n) => ({ id: n.id, text: n.text, startsAt: n.startsAt, endsAt: n.endsAt, live: n.live })),
    });
  });
  router.get('/status/feed.atom', async (_req, res) => {
    const list = await notices();
    const x = escapeXml;
    const updated = list.reduce((latest, n) => (n.updatedAt > latest ? n.updatedAt : latest), new Date(0));
    const entries = list.map(
      (n) => `  <entry>
    <id>tag:${x(host)},${n.createdAt.toISOString().slice(0, 10)}:switchboard/notices/${n.id}</id>
    <title>${x(titleOf(n, w))}</title>
    <updated>${n.updatedAt.toISOString()}</updated>
    <link href="${x(deps.publicUrl)}/status#notice-${n.id}"/>
    <content type="text">${x(n.text)}</content>
  </entry>`,
    );
    const feed = `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>${x(w.statusTitle(org))}</title>
  <id>${x(deps.publicUrl)}/status</id>
  <link rel="self" href="${x(deps.publicUrl)}/status/feed.atom"/>
  <link href="${x(deps.publicUrl)}/status"/>
  <updated>${(list.length ? updated : deps.clock.now()).toISOString()}</updated>
  <author><name>${x(org)}</name></author>
${entries.join('\n')}
</feed>
`;
    cached(res).type('application/atom+xml; charset=utf-8').send(feed);
  });
  return router;
}
