import { createHash, randomBytes } from 'node:crypto';
import ical from 'ical-generator';
import type { Organisation } from '../config/index.js';
import type { ReadQ } from '../db/index.js';
import { coverBetween } from './cover.js';
import { lineOf, type OnCallDeps } from './service.js';
import * as store from './store.js';

/** How far ahead a feed looks. */
export const FEED_DAYS = 90;
/** A feed for the organisation's own rotation (service lines have their ids). */
export const DEFAULT_ROTATION = 'default';

const hashOf = (token: string) => createHash('sha256').update(token).digest('hex');

/**
 * A new secret address for a person's or a rotation's feed, replacing any before it (which stops
 * working). Only its hash is kept: the address is shown once, to whoever made it.
 */
export async function newFeedToken(
  deps: OnCallDeps,
  kind: store.Feed['kind'],
  subject: string,
  madeBy: string,
): Promise<string> {
  const token = randomBytes(24).toString('base64url');
  await deps.db.withTransaction((tx) =>
    store.replaceFeedToken(tx, kind, subject, hashOf(token), madeBy, deps.clock.now()),
  );
  return token;
}

export const hasFeed = (q: ReadQ, kind: store.Feed['kind'], subject: string) =>
  store.feedOf(q, kind, subject).then(Boolean);

/** The rotations a feed can follow: the organisation's own, and each service line's. */
export function rotationsOf(org: Organisation): { id: string; name: string }[] {
  return [{ id: DEFAULT_ROTATION, name: org.name }, ...org.serviceLines.map((l) => ({ id: l.id, name: l.name }))];
}

/**
 * The iCalendar text of a feed (its token as typed in the address), or undefined for a token that is not
 * one: every shift and override for the next 90 days, in UTC (right on both sides of a clock change). A
 * person's feed stops once they are no longer in the organisation file; a rotation's once the account that
 * made it may no longer manage on call.
 */
export async function feedCalendar(deps: OnCallDeps, token: string): Promise<string | undefined> {
  const feed = await store.feedByTokenHash(deps.db.q, hashOf(token));
  if (!feed) return undefined;
  const org = deps.organisation;
  if (feed.kind === 'staff' && !org.staff.some((s) => s.id === feed.subject)) return undefined;
  if (feed.kind === 'line' && feed.madeBy && deps.mayStillManage && !(await deps.mayStillManage(feed.madeBy)))
    return undefined;
  const now = deps.clock.now();
  const to = new Date(now.getTime() + FEED_DAYS * 86_400_000);
  const nameOf = (id: string) => org.staff.find((s) => s.id === id)?.name ?? id;
  const rotations = feed.kind === 'line' ? [feed.subject] : [DEFAULT_ROTATION, ...org.serviceLines.map((l) => l.id)];
  const calendar = ical({
    name:
      feed.kind === 'staff'
        ? `${nameOf(feed.subject)} on call (${org.name})`
        : `On call: ${lineOf(org, feed.subject)?.name ?? org.name}`,
    prodId: { company: 'Switchboard', product: 'on-call', language: 'EN' },
    ttl: 60 * 60,
  });
  for (const rotation of rotations) {
    const line = rotation === DEFAULT_ROTATION ? null : rotation;
    if (line && !lineOf(org, line)) continue;
    const label = line ? lineOf(org, line)!.name : org.name;
    // From a week and a day back, so the stretch on now starts where it really started (and keeps its id).
    const back = new Date(now.getTime() - 8 * 86_400_000);
    for (const c of await coverBetween(deps.db.q, org, back, to, line)) {
      if (c.until <= now || (feed.kind === 'staff' && c.staffId !== feed.subject)) continue;
      calendar.createEvent({
        // Stable across fetches while the stretch is unchanged, so calendar apps update rather than duplicate.
        id: `${rotation}-${c.staffId}-${c.from.getTime()}@switchboard`,
        start: c.from,
        end: c.until,
        stamp: now,
        summary: feed.kind === 'staff' ? `On call: ${label}` : `${nameOf(c.staffId)} on call (${label})`,
        description: c.source === 'override' ? 'Cover in place of the rotation.' : 'The rotation.',
      });
    }
  }
  return calendar.toString();
}
