import type { PublicNotice } from '../announcements/index.js';
import type { PackageBalance, Client } from '../clients/index.js';
import { supportLevelOf, type Organisation } from '../config/index.js';
import { html, type Html } from '../http/html.js';
import { priorityName } from '../paging/index.js';
import { PRIORITIES } from '../tickets/index.js';
import { csrfField, when, type PageContext } from './layout.js';
import type { Words } from './words.js';

/**
 * The client's account as a contact may read it: the support code the phone menu asks for, the contract
 * level and its targets, prepaid support, the client's contacts, and the helpdesk's number with its keys.
 */
export interface AccountView {
  client: Client;
  packages: PackageBalance[];
  storage: { quota: number; used: number; room: number };
  /** Whom the contacts' list is shown to: a named contact or someone at the domain, and what they may see. */
  viewer: { named: boolean; visibility: 'company' | 'own' };
}

const mb = (bytes: number) => (bytes / (1024 * 1024)).toFixed(bytes < 10 * 1024 * 1024 ? 1 : 0);

export function accountPage(ctx: PageContext, org: Organisation, view: AccountView): Html {
  const { w } = ctx;
  const { client, packages, storage, viewer } = view;
  // The contacts are the company's to see: only with company visibility, and their phones only to a named contact.
  const contacts = viewer.visibility === 'company' ? client.contacts : [];
  const level = supportLevelOf(org.supportLevels, client.level);
  const targets = level?.sla ?? org.sla;
  return html`<div class="grid">
  <section class="card">
    <h2>${w.supportCode}</h2>
    <p class="code">${client.supportCode}</p>
    <p class="muted">${w.supportCodeHint}</p>
  </section>
  <section class="card">
    <h2>${w.helpdeskPhone}</h2>
    <p class="code"><a href="tel:${org.helpdeskNumber}">${org.helpdeskNumber}</a></p>
    <dl class="keys">
      ${([5, 2, 3] as const).map((k) => html`<dt><kbd>${k}</kbd></dt><dd>${w.keys[k]}</dd>`)}
    </dl>
  </section>
  <section class="card">
    <h2>${w.level}${level ? html`: ${level.name}` : ''}</h2>
    <h3>${w.targets}</h3>
    <dl class="facts">${PRIORITIES.map((p) => html`<dt>${priorityName(org.language, p)}</dt><dd>${w.duration(targets[p])}</dd>`)}</dl>
    <p class="muted">${w.targetsHint}</p>
    ${level ? html`<p>${w.afterHours[level.afterHoursEmergency]}</p>` : ''}
  </section>
  <section class="card">
    <h2>${w.prepaid}</h2>
    ${
      packages.length
        ? html`<ul>${packages.map((p) => html`<li>${w.balance(p.unit, p.remaining, p.quantity)}${p.note ? html` <span class="muted">(${p.note})</span>` : ''}</li>`)}</ul>`
        : html`<p class="muted">${w.noPackage}</p>`
    }
  </section>
  <section class="card" data-storage>
    <h2>${w.storage}</h2>
    <p>${w.storageLeft(mb(storage.room), mb(storage.quota))}</p>
    <meter min="0" max="${storage.quota}" value="${storage.used}" aria-label="${w.storage}"></meter>
    <p class="muted">${w.storageHint}</p>
  </section>
  ${
    contacts.length
      ? html`<section class="card">
    <h2>${w.contactsOf(client.name)}</h2>
    <ul class="contacts">${contacts.map(
      (c) =>
        html`<li>${c.name}${c.email ? html` · ${c.email}` : ''}${viewer.named && c.phone ? html` · <span class="muted">${c.phone}</span>` : ''}</li>`,
    )}</ul>
  </section>`
      : ''
  }
  <section class="card">
    <h2>${w.signOutEverywhere}</h2>
    <form method="post" action="/portal/sign-out-everywhere">${csrfField(ctx.csrf)}
      <button type="submit" class="secondary">${w.signOutEverywhere}</button>
    </form>
    <p class="muted">${w.signOutEverywhereHint}</p>
  </section>
</div>`;
}

/** One notice: its text, whether it is on now, planned or over, and when. */
export function noticeItem(ctx: Pick<PageContext, 'w' | 'zone'>, n: PublicNotice): Html {
  const { w } = ctx;
  const badge = n.live ? w.now : n.over ? w.resolved : w.planned;
  return html`<li class="notice ${n.live ? 'live' : n.over ? 'over' : 'planned'}" id="notice-${n.id}">
    <p><span class="badge">${badge}</span> ${n.text}</p>
    <p class="muted">${n.startsAt ? html`${w.from} ${when(ctx, n.startsAt)} ` : ''}${n.endsAt ? html`${w.until} ${when(ctx, n.endsAt)}` : ''}</p>
  </li>`;
}

/** The notices list, or a line saying there are none. */
export const noticeList = (ctx: Pick<PageContext, 'w' | 'zone'>, notices: PublicNotice[]): Html =>
  notices.length
    ? html`<ol class="notices">${notices.map((n) => noticeItem(ctx, n))}</ol>`
    : html`<p class="muted">${ctx.w.noNotices}</p>`;

/** The public status page's body: the notices for everyone, and the feed. */
export const statusBody = (w: Words, zone: string, notices: PublicNotice[]): Html =>
  html`${noticeList({ w, zone }, notices)}
  <p class="muted"><a href="/status/feed.atom">${w.feed}</a> · <a href="/status.json">JSON</a> · <a href="/portal">${w.signIn}</a></p>`;
