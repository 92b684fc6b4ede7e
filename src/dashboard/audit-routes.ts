import type { Router } from 'express';
import { recentAudit, type AuditAction } from '../audit/index.js';
import type { Kit } from './kit.js';
import { html } from './html.js';
import { page, when } from './layout.js';
import { allow } from './session.js';

const ACTION_NAMES: Record<AuditAction, string> = {
  sign_in: 'Signed in',
  sign_in_failed: 'Sign-in failed',
  sign_in_locked: 'Sign-in refused: account locked',
  sign_in_throttled: 'Sign-in refused: too many attempts',
  sign_out: 'Signed out',
  ack_link_opened: 'Opened an acknowledgement link',
  ack_link_used: 'Used an acknowledgement link',
  voicemail_link_used: 'Played a voicemail by its link',
  voicemail_played: 'Played a voicemail in the dashboard',
  attachment_downloaded: 'Downloaded an attachment',
  link_refused: 'A link was refused',
  mail_accepted: 'Accepted a held email',
  mail_discarded: 'Discarded a held email',
  announcement_posted: 'Posted an announcement',
  announcement_taken_down: 'Took down an announcement',
  announcement_emailed: 'Emailed the clients about an announcement',
  portal_link_requested: 'Asked the portal for a sign-in link',
  portal_link_refused: 'A portal sign-in link was refused',
  portal_sign_in: 'Signed in to the portal',
  portal_sign_out: 'Signed out of the portal',
  client_changed: 'Client record changed',
};

/** The audit trail, newest first, for administrators: who signed in (or was kept out), every link used, every announcement. */
export function auditPage(router: Router, { s, ctxOf, send }: Kit): void {
  router.get('/audit', allow('seeAudit'), async (req, res) => {
    const ctx = ctxOf(req, res);
    const entries = await recentAudit(s.db.q, 300);
    send(
      res,
      page(
        ctx,
        '/dashboard/audit',
        'Audit trail',
        html`<p class="muted">The last ${entries.length} entries, newest first.</p>
        <table class="stack"><thead><tr><th>When</th><th>What</th><th>Who</th><th>From</th><th>Detail</th></tr></thead><tbody>
        ${entries.map(
          (e) =>
            html`<tr><td data-label="When">${when(ctx, e.at)}</td><td data-label="What">${ACTION_NAMES[e.action] ?? e.action}</td><td data-label="Who">${e.actor ?? ''}</td><td data-label="From">${e.ip ?? ''}</td><td data-label="Detail"><span class="muted">${e.detail ? JSON.stringify(e.detail).slice(0, 200) : ''}</span></td></tr>`,
        )}
        </tbody></table>`,
      ),
    );
  });
}
