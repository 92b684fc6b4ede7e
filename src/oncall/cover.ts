import type { Organisation } from '../config/index.js';
import type { ReadQ } from '../db/index.js';
import { onCallAt } from './service.js';

/** One person's stretch of cover on one rotation, as the rotation and its overrides make it. */
export interface Cover {
  staffId: string;
  from: Date;
  until: Date;
  source: 'rotation' | 'override';
}

/** More stretches than this in one window is not a rota (a daily rotation for 90 days is 90). */
const MOST = 2_000;

/**
 * Who covers a rotation (a service line's, or the organisation's own) from `from` to `to`, stretch by
 * stretch: the rotation's shifts with the overrides cut in, a person's consecutive stretches joined. The
 * first stretch starts at `from` (it may have begun earlier).
 */
export async function coverBetween(
  q: ReadQ,
  org: Organisation,
  from: Date,
  to: Date,
  lineId?: string | null,
): Promise<Cover[]> {
  const cover: Cover[] = [];
  let at = from;
  while (at < to && cover.length < MOST) {
    const who = await onCallAt(q, org, at, lineId);
    const last = cover.at(-1);
    if (last && last.staffId === who.staff.id) last.until = who.until;
    else cover.push({ staffId: who.staff.id, from: at, until: who.until, source: who.source });
    at = who.until;
  }
  return cover;
}
