import { createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';
import { recordAudit } from '../audit/index.js';
import { clientById, clientBySender, type Client } from '../clients/index.js';
import type { PortalDeps } from './deps.js';
import * as store from './store.js';

/**
 * Signing in to the portal by a link emailed to the address: a registered contact's, or any address at a
 * client's domains. Only hashes of the link's and the session's tokens are kept. Every request for a link,
 * every use (or refusal) of one and every sign-out is in the audit trail.
 */
export const LINK_MINUTES = 15;
export const SESSION_MS = 14 * 24 * 3_600_000;
export const IDLE_MS = 2 * 24 * 3_600_000;
/** A session's last visit is written at most this often (not on every page). */
const SEEN_EVERY_MS = 5 * 60_000;

const hashOf = (token: string) => createHash('sha256').update(token).digest('hex');
const newToken = () => randomBytes(32).toString('base64url');
/** What a token looks like: 32 random bytes, base64url. */
export const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

const address = z.email().max(254);

/** The address as typed, the way it is compared and audited. */
export const typedAddress = (raw: string) => raw.trim().toLowerCase().slice(0, 320);

/**
 * Someone asks for a link. A registered address is emailed one (in the same transaction as its row);
 * anyone else nothing. Either way the same work is audited and the same answer follows, so the page says
 * nothing about who is a client.
 */
export async function requestLink(deps: PortalDeps, typed: string, ip: string): Promise<void> {
  const email = typedAddress(typed);
  const valid = address.safeParse(email).success;
  const match = valid ? await clientBySender(deps, email) : undefined;
  const now = deps.clock.now();
  await deps.db.withTransaction(async (tx) => {
    await store.deleteEnded(tx, now, IDLE_MS);
    if (match) {
      const token = newToken();
      await store.insertLink(tx, {
        tokenHash: hashOf(token),
        email,
        clientId: match.clientId,
        contactId: match.contactId ?? null,
        createdAt: now,
        expiresAt: new Date(now.getTime() + LINK_MINUTES * 60_000),
      });
      await deps.tickets.pager.mail(
        tx,
        [email],
        { kind: 'portal_link', link: `${deps.publicUrl}/portal/link?t=${token}`, minutes: LINK_MINUTES },
        { key: `portal-link:${hashOf(token)}` },
      );
    }
    await recordAudit(tx, { at: now, action: 'portal_link_requested', actor: email, ip, detail: { sent: !!match } });
  });
  if (match) deps.tickets.onOutbox();
}

/** A started session: the cookie's token and the session's lifetime. */
export interface Started {
  token: string;
  maxAgeSeconds: number;
}

/**
 * Whether an address still belongs to this client: a contact's own address or one at its domains, of a
 * client still served. Checked on every use of a link and every request of a session, so that access taken
 * away ends at once.
 */
export async function entitledClient(deps: PortalDeps, email: string, clientId: number): Promise<Client | undefined> {
  const client = await clientById(deps.db.q, clientId);
  const address = email.toLowerCase();
  const domain = address.slice(address.lastIndexOf('@') + 1);
  const belongs =
    client?.active &&
    (client.contacts.some((c) => c.email?.toLowerCase() === address) || client.domains.includes(domain));
  return belongs ? client : undefined;
}

const stillEntitled = async (deps: PortalDeps, email: string, clientId: number) =>
  Boolean(await entitledClient(deps, email, clientId));

/** The address a link would sign in, if it could still be used (opening it uses nothing up). */
export async function linkAddress(deps: PortalDeps, token: string): Promise<string | undefined> {
  if (!TOKEN_SHAPE.test(token)) return undefined;
  const link = await store.usableLink(deps.db.q, hashOf(token), deps.clock.now());
  return link && (await stillEntitled(deps, link.email, link.clientId)) ? link.email : undefined;
}

/** The link's token, used once: a session for its address and client; nothing for a used, late or unknown link. */
export async function redeemLink(deps: PortalDeps, token: string, ip: string): Promise<Started | undefined> {
  const now = deps.clock.now();
  const tokenHash = TOKEN_SHAPE.test(token) ? hashOf(token) : undefined;
  const pending = tokenHash ? await store.usableLink(deps.db.q, tokenHash, now) : undefined;
  const entitled = pending ? await stillEntitled(deps, pending.email, pending.clientId) : false;
  return deps.db.withTransaction(async (tx) => {
    const link = tokenHash && entitled ? await store.useLink(tx, tokenHash, now) : undefined;
    if (!link) {
      if (pending && !entitled) await store.deleteLinksOf(tx, pending.email);
      await recordAudit(tx, {
        at: now,
        action: 'portal_link_refused',
        ip,
        detail: { reason: pending && !entitled ? 'no longer a client contact' : 'used, expired or unknown' },
      });
      return undefined;
    }
    const session = newToken();
    await store.insertSession(tx, {
      tokenHash: hashOf(session),
      email: link.email,
      clientId: link.clientId,
      contactId: link.contactId,
      csrfToken: newToken(),
      createdAt: now,
      seenAt: now,
      expiresAt: new Date(now.getTime() + SESSION_MS),
    });
    await recordAudit(tx, {
      at: now,
      action: 'portal_sign_in',
      actor: link.email,
      ip,
      detail: { clientId: link.clientId },
    });
    return { token: session, maxAgeSeconds: SESSION_MS / 1000 };
  });
}

/**
 * The session a cookie's token names, with its client, unless it has ended, or its address no longer
 * belongs to its client (then it is ended, with the address's unused links); a visit starts its idle time
 * again.
 */
export async function sessionOf(
  deps: PortalDeps,
  token: string,
): Promise<{ session: store.PortalSession; client: Client } | undefined> {
  if (!TOKEN_SHAPE.test(token)) return undefined;
  const now = deps.clock.now();
  const tokenHash = hashOf(token);
  const session = await store.liveSession(deps.db.q, tokenHash, now, IDLE_MS);
  if (!session) return undefined;
  const client = await entitledClient(deps, session.email, session.clientId);
  if (!client) {
    await deps.db.withTransaction(async (tx) => {
      await store.deleteSessionsOf(tx, session.email);
      await store.deleteLinksOf(tx, session.email);
      await recordAudit(tx, {
        at: now,
        action: 'portal_sign_out',
        actor: session.email,
        detail: { reason: 'no longer a client contact', clientId: session.clientId },
      });
    });
    return undefined;
  }
  if (now.getTime() - session.seenAt.getTime() >= SEEN_EVERY_MS)
    await deps.db.withTransaction((tx) => store.touchSession(tx, tokenHash, now));
  return { session, client };
}

/** Ends this browser's session, or (everywhere) every session of its address. */
export async function signOut(
  deps: PortalDeps,
  session: store.PortalSession,
  everywhere: boolean,
  ip: string,
): Promise<void> {
  const now = deps.clock.now();
  await deps.db.withTransaction(async (tx) => {
    const ended = everywhere
      ? await store.deleteSessionsOf(tx, session.email)
      : (await store.deleteSession(tx, session.tokenHash), 1);
    // Everywhere means every way in: links asked for and not yet used are void too.
    const links = everywhere ? await store.deleteLinksOf(tx, session.email) : 0;
    await recordAudit(tx, {
      at: now,
      action: 'portal_sign_out',
      actor: session.email,
      ip,
      detail: { everywhere, sessions: ended, ...(everywhere ? { links } : {}) },
    });
  });
}
