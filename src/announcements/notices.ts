import type { ReadQ } from '../db/index.js';
import { isFor, isLive, type Listener } from './service.js';
import { notOverBefore, type Announcement } from './store.js';

/** How far back the public notices go. */
export const RECENT_NOTICES_MS = 30 * 24 * 3_600_000;

/** An announcement as clients read it: its text, when it applies, whether it is on now, and when it last changed. */
export interface PublicNotice {
  id: number;
  text: string;
  startsAt: Date | null;
  /** When it ended (taken down, or its end passed) or is expected to; null: until further notice. */
  endsAt: Date | null;
  live: boolean;
  /** It is over. */
  over: boolean;
  /** When it was posted, or its end when it is over (an Atom entry's `updated`). */
  updatedAt: Date;
  /** Where it is newest-first sorted: its start, or when it was posted. */
  from: Date;
  createdAt: Date;
}

const asNotice = (a: Announcement, now: Date): PublicNotice => {
  const ended = a.deletedAt && (!a.endsAt || a.deletedAt < a.endsAt) ? a.deletedAt : a.endsAt;
  const over = Boolean(ended && ended <= now);
  return {
    id: a.id,
    text: a.text,
    startsAt: a.startsAt,
    endsAt: ended,
    live: isLive(a, now),
    over,
    updatedAt: over ? ended! : a.createdAt,
    from: a.startsAt ?? a.createdAt,
    createdAt: a.createdAt,
  };
};

/** Taken down before it began: it never applied, and is not a notice. */
const withdrawn = (a: Announcement) => Boolean(a.deletedAt && a.startsAt && a.deletedAt <= a.startsAt);

/**
 * Current, planned, and recent (over in the last 30 days) notices, newest first: those for everyone, or
 * with a listener (a client's contact on the portal) those for their client and lines as well.
 */
export async function recentNotices(q: ReadQ, now: Date, listener?: Listener): Promise<PublicNotice[]> {
  const rows = await notOverBefore(q, new Date(now.getTime() - RECENT_NOTICES_MS));
  return rows
    .filter((a) => !withdrawn(a) && (listener ? isFor(a, listener) : !a.clientIds && !a.lines))
    .map((a) => asNotice(a, now))
    .sort((a, b) => b.from.getTime() - a.from.getTime() || b.id - a.id);
}
