import type { Router } from 'express';
import { recentNotices } from '../announcements/index.js';
import { packagesOf, storageOf } from '../clients/index.js';
import { html } from '../http/html.js';
import { accountPage, noticeList } from './account-page.js';
import type { PortalKit } from './kit.js';
import { page } from './layout.js';

/** GET /portal/account (the client's contract, codes and contacts) and /portal/notices (its notices). */
export function accountRoutes(router: Router, { deps, w, ctxOf, send }: PortalKit): void {
  router.get('/account', async (req, res) => {
    const { client, viewer } = res.locals.portal!;
    const ctx = ctxOf(req, res);
    const [packages, storage] = await Promise.all([packagesOf(deps.db.q, client.id), storageOf(deps.db.q, client.id)]);
    const view = {
      client,
      packages,
      storage,
      viewer: { named: Boolean(viewer.contactId), visibility: viewer.visibility },
    };
    send(res, page(ctx, '/portal/account', w.account, accountPage(ctx, deps.organisation, view)));
  });
  router.get('/notices', async (req, res) => {
    const { client } = res.locals.portal!;
    const notices = await recentNotices(deps.db.q, deps.clock.now(), { clientId: client.id, lines: client.lines });
    const ctx = ctxOf(req, res);
    const body = html`${noticeList(ctx, notices)}<p class="muted"><a href="/status">${w.nav.status}</a> · <a href="/status/feed.atom">${w.feed}</a></p>`;
    send(res, page(ctx, '/portal/notices', w.notices, body));
  });
}
