import type { Voice } from '../channels/index.js';
import { readState, writeState } from '../db/index.js';
import { knownRecordingSids, recordVoicemail } from '../tickets/index.js';
import { maskPhone } from '../logging.js';
import type { IvrDeps } from './context.js';
import { callBySid, setOutcome } from './store.js';

const BOOKMARK = 'recordings_checked_until';
const FIRST_LOOK_BACK_MS = 7 * 86_400_000;
/**
 * A recording of a call still in progress, that this process has been serving, may yet arrive through
 * the call's own webhooks (which also thank the caller with the ticket number): it is left this long.
 * Any other recording needs no wait: of a call the service never saw (the fallback document took it),
 * of a call that has ended, or of a call that was in progress when a previous process died (its
 * webhooks went nowhere). Its RecordingSid makes taking it exactly-once in any case.
 */
const GRACE_MS = 3 * 60_000;
const OVERLAP_MS = 60 * 60_000;

/**
 * Voicemails Twilio holds that we never saw (taken by the fallback document while the service was
 * down, or whose webhooks failed) become tickets like any other. A recording from a call we know keeps
 * that call's kind; one from a call we never saw is treated as an emergency, to be safe.
 */
export async function reconcileRecordings(
  deps: IvrDeps,
  voice: Voice,
  options: { urgent?: ReadonlySet<string>; servingSince?: Date } = {},
): Promise<{ found: number; ingested: number }> {
  const { urgent, servingSince } = options;
  if (!voice.live) return { found: 0, ingested: 0 };
  const now = deps.clock.now();
  const bookmark = await readState(deps.db.q, BOOKMARK);
  const since = new Date(bookmark ? Number(bookmark) - OVERLAP_MS : now.getTime() - FIRST_LOOK_BACK_MS);
  const recordings = await voice.recordingsSince(since);
  const known = await knownRecordingSids(
    deps.db.q,
    recordings.map((r) => r.sid),
  );
  const cutoff = now.getTime() - GRACE_MS;
  let ingested = 0;
  for (const r of recordings) {
    if (known.has(r.sid)) continue;
    const call = r.callSid ? await callBySid(deps.db.q, r.callSid) : undefined;
    const servedHere = call?.outcome === 'in_progress' && (!servingSince || call.startedAt >= servingSince);
    if (servedHere && r.createdAt.getTime() > cutoff && !urgent?.has(r.sid)) continue;
    const caller = call?.fromNumber ?? (r.callSid ? await voice.callerOf(r.callSid).catch(() => undefined) : undefined);
    const kind = call && !call.emergency ? 'general' : 'emergency';
    const outcome = await recordVoicemail(deps.tickets, {
      recordingSid: r.sid,
      callSid: r.callSid || undefined,
      kind,
      durationSeconds: r.durationSeconds,
      recordingUrl: r.url,
      callerNumber: caller,
      clientId: call?.clientId,
      contactId: call?.contactId,
      source: 'reconciliation',
      // An empty recording is set aside rather than paged; anything with sound in it becomes a ticket.
      canAskAgain: r.durationSeconds < 1,
    });
    if ('ticket' in outcome && outcome.ticket) {
      ingested++;
      const ticketId = outcome.ticket.id;
      if (call)
        await deps.db.withTransaction((tx) =>
          setOutcome(tx, call.callSid, kind === 'emergency' ? 'emergency_voicemail' : 'voicemail', ticketId),
        );
      deps.log.warn(
        { recordingSid: r.sid, ticket: outcome.ticket.number, caller: maskPhone(caller) },
        'ingested a voicemail the webhooks never delivered',
      );
    }
  }
  await deps.db.withTransaction((tx) => writeState(tx, BOOKMARK, String(cutoff), now));
  return { found: recordings.length, ingested };
}
