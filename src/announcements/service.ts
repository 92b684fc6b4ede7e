import { z } from 'zod';
import type { Clock } from '../calendar/index.js';
import { lineProblem } from '../config/index.js';
import type { Database, Q } from '../db/index.js';
import { fail, ok, type Outcome } from '../http/problems.js';
import { withoutXmlForbidden } from '../http/html.js';
import { clientById } from '../clients/index.js';
import { recordAudit, type AuditAction } from '../audit/index.js';
import * as store from './store.js';
import type { Announcement } from './store.js';

export interface AnnouncementDeps {
  db: Database;
  clock: Clock;
  /** The organisation's service lines: what `lines` may name. */
  lines: string[];
  /**
   * Emails the contacts of the clients an announcement is for (`notify: true`), in the caller's
   * transaction: when it is posted, and when it ends. Returns how many messages were queued.
   */
  tellClients?: (tx: Q, announcement: Announcement, phase: NoticePhase) => Promise<number>;
  /** Wakes the sender after messages were queued. */
  onOutbox?: () => void;
}

/** Who posts or takes down an announcement, for the audit trail: an account's email or `api`, and the address. */
export interface Who {
  actor: string;
  ip?: string | null;
}

/** An entry of the audit trail about an announcement, in the transaction that did it. */
const audit = (tx: Q, at: Date, action: AuditAction, who: Who | undefined, detail: Record<string, unknown>) =>
  recordAudit(tx, { at, action, actor: who?.actor ?? null, ip: who?.ip ?? null, detail });

/** Tells the clients (when the announcement asks for it), and records how many were emailed. */
async function tell(deps: AnnouncementDeps, tx: Q, a: Announcement, phase: NoticePhase, who?: Who, now?: Date) {
  const emailed = await deps.tellClients!(tx, a, phase);
  await audit(tx, now ?? deps.clock.now(), 'announcement_emailed', who, { announcementId: a.id, phase, emailed });
  return emailed;
}

/** What the clients are told: it is posted; it is over; or it was taken down before it started. */
export type NoticePhase = 'posted' | 'ended' | 'withdrawn';

/** The notice for an announcement's end: one taken down before its start never applied. */
const endPhase = (a: Announcement): NoticePhase =>
  a.startsAt && a.deletedAt && a.deletedAt < a.startsAt ? 'withdrawn' : 'ended';

const instant = z.iso.datetime({ offset: true, message: 'must be a date and time like 2026-11-24T08:00:00Z' });

export const newAnnouncementSchema = z
  .object({
    // What callers hear, clients read and feed readers parse: no characters XML forbids.
    text: z
      .string()
      .transform(withoutXmlForbidden)
      .pipe(z.string().trim())
      .pipe(z.string().min(1, 'is required').max(1000, 'must be at most 1,000 characters (a caller listens to it)')),
    startsAt: instant.optional(),
    endsAt: instant.optional(),
    clientIds: z.array(z.number().int().positive()).min(1).max(500).optional(),
    lines: z.array(z.string().trim().min(1).max(40)).min(1).max(20).optional(),
    /** Email the affected clients' contacts now and when it ends. */
    notify: z.boolean().optional(),
  })
  .strict();

export type NewAnnouncementInput = z.infer<typeof newAnnouncementSchema>;

export async function postAnnouncement(
  deps: AnnouncementDeps,
  input: NewAnnouncementInput,
  who: Who,
): Promise<Outcome<Announcement & { notified: number }>> {
  const now = deps.clock.now();
  const startsAt = input.startsAt ? new Date(input.startsAt) : null;
  const endsAt = input.endsAt ? new Date(input.endsAt) : null;
  const fields: Record<string, string> = {};
  if (endsAt && endsAt <= now) fields.endsAt = 'is in the past: nobody would hear it';
  if (endsAt && startsAt && endsAt <= startsAt) fields.endsAt = 'must be after startsAt';
  input.lines?.forEach((line, i) => {
    const problem = lineProblem(deps.lines, line);
    if (problem) fields[`lines[${i}]`] = problem;
  });
  for (const [i, id] of (input.clientIds ?? []).entries())
    if (!(await clientById(deps.db.q, id))) fields[`clientIds[${i}]`] = `there is no client ${id}`;
  if (Object.keys(fields).length)
    return fail(
      'invalid',
      'invalid_input',
      `Invalid input: ${Object.entries(fields)
        .map(([f, m]) => `${f} ${m}`)
        .join('; ')}`,
      fields,
    );
  const notify = Boolean(input.notify && deps.tellClients);
  const posted = await deps.db.withTransaction(async (tx) => {
    const row = await store.insertAnnouncement(tx, {
      text: input.text,
      startsAt,
      endsAt,
      clientIds: input.clientIds ? [...new Set(input.clientIds)] : null,
      lines: input.lines ? [...new Set(input.lines)] : null,
      createdAt: now,
      createdBy: who.actor,
      notify,
    });
    const { text, startsAt: from, endsAt: until, clientIds, lines } = row;
    await audit(tx, now, 'announcement_posted', who, { announcementId: row.id, text, from, until, clientIds, lines });
    return { ...row, notified: notify ? await tell(deps, tx, row, 'posted', who, now) : 0 };
  });
  if (posted.notified) deps.onOutbox?.();
  return ok(posted);
}

export async function takeDownAnnouncement(
  deps: AnnouncementDeps,
  id: number,
  who: Who,
): Promise<Outcome<Announcement>> {
  const now = deps.clock.now();
  let told = 0;
  const ended = await deps.db.withTransaction(async (tx) => {
    const row = await store.endAnnouncement(tx, id, now);
    if (row) await audit(tx, now, 'announcement_taken_down', who, { announcementId: id, text: row.text });
    if (row?.notify && deps.tellClients && (await store.claimEndNotice(tx, id, now)))
      told = await tell(deps, tx, row, endPhase(row), who, now);
    return row;
  });
  if (told) deps.onOutbox?.();
  if (ended) return ok(ended);
  return (await store.announcementById(deps.db.q, id))
    ? fail('conflict', 'announcement_ended', `Announcement ${id} was taken down already`)
    : fail('not_found', 'announcement_not_found', `No announcement ${id}`);
}

/** Whether an announcement is being read to callers at `now`. */
export const isLive = (a: Announcement, now: Date): boolean =>
  !a.deletedAt && (!a.startsAt || a.startsAt <= now) && (!a.endsAt || a.endsAt > now);

/** Who is calling, as far as announcements care: their client, and the lines their contract covers. */
export interface Listener {
  clientId?: number | null;
  /** Null or absent: every line. */
  lines?: string[] | null;
}

/** Whether a caller should hear an announcement: it is for everyone, or for their client or one of their lines. */
export function isFor(a: Announcement, who: Listener): boolean {
  if (a.clientIds && !(who.clientId && a.clientIds.includes(who.clientId))) return false;
  // A line's announcement is for the clients whose contract covers it (no `lines`: every line).
  if (a.lines && !(who.clientId && (!who.lines || a.lines.some((l) => who.lines!.includes(l))))) return false;
  return true;
}

/** How often each instance reads the announcements again (one posted on another instance is heard within it). */
export const BOARD_REFRESH_MS = 5_000;

/**
 * What callers hear, kept in memory so the greeting never waits for the database: read at start, after
 * every change made here, and every few seconds (changes made on another instance).
 */
export interface AnnouncementBoard {
  /** The live announcements a caller should hear, oldest first. */
  forCaller(who: Listener, now: Date): Announcement[];
  /** Whether any live announcement depends on who is calling (so the caller must be recognised first). */
  targeted(now: Date): boolean;
  refresh(): Promise<void>;
  stop(): void;
}

export function announcementBoard(deps: AnnouncementDeps, onError: (err: unknown) => void): AnnouncementBoard {
  let current: Announcement[] = [];
  const refresh = async () => {
    try {
      current = await store.notOver(deps.db.q, deps.clock.now());
    } catch (err) {
      onError(err);
    }
  };
  const timer = setInterval(() => void refresh(), BOARD_REFRESH_MS);
  timer.unref();
  void refresh();
  return {
    forCaller: (who, now) => current.filter((a) => isLive(a, now) && isFor(a, who)),
    targeted: (now) => current.some((a) => isLive(a, now) && (a.clientIds || a.lines)),
    refresh,
    stop: () => clearInterval(timer),
  };
}

/**
 * Announcements that reached their end by themselves: their contacts are told it is over, once each
 * (a row claim, so two instances never both send). Returns how many announcements were told.
 */
export async function tellEndedAnnouncements(deps: AnnouncementDeps): Promise<number> {
  if (!deps.tellClients) return 0;
  const now = deps.clock.now();
  let told = 0;
  for (const a of await store.overAndUntold(deps.db.q, now)) {
    // Nobody took it down: the service tells its clients (no actor in the audit trail).
    const sent = await deps.db.withTransaction(async (tx) =>
      (await store.claimEndNotice(tx, a.id, now))
        ? tell(deps, tx, a, endPhase(a), undefined, now).then(() => true)
        : false,
    );
    if (sent) told++;
  }
  if (told) deps.onOutbox?.();
  return told;
}
