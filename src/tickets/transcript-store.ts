import { and, asc, eq, gt, isNull, lt, notLike, or } from 'drizzle-orm';
import type { Q, ReadQ } from '../db/index.js';
import { voicemails } from './schema.js';
import type { Voicemail } from './store.js';

/** A voicemail whose words a speech service is to write down, as the phone channel asks for them. */
export type TranscriptWork = Pick<Voicemail, 'id' | 'recordingSid' | 'transcriptId' | 'transcriptAskedAt'>;

const transcriptWork = {
  id: voicemails.id,
  recordingSid: voicemails.recordingSid,
  transcriptId: voicemails.transcriptId,
  transcriptAskedAt: voicemails.transcriptAskedAt,
};

/**
 * Voicemails of the last day with no transcription and no transcript asked for, or asked for before
 * `askedBefore` (a request that failed, or a transcript not looked at since): oldest first.
 */
export function voicemailsForTranscripts(
  q: ReadQ,
  now: Date,
  askedBefore: Date,
  limit: number,
): Promise<TranscriptWork[]> {
  return q
    .select(transcriptWork)
    .from(voicemails)
    .where(
      and(
        isNull(voicemails.transcription),
        gt(voicemails.createdAt, new Date(now.getTime() - 24 * 3_600_000)),
        or(isNull(voicemails.transcriptAskedAt), lt(voicemails.transcriptAskedAt, askedBefore)),
        or(isNull(voicemails.transcriptId), notLike(voicemails.transcriptId, 'failed:%')),
      ),
    )
    .orderBy(asc(voicemails.id))
    .limit(limit);
}

/** Takes a voicemail's transcript work for this instance, unless another has just taken it (same asked-at as read). */
export async function takeTranscriptWork(tx: Q, work: TranscriptWork, now: Date): Promise<boolean> {
  const taken = await tx
    .update(voicemails)
    .set({ transcriptAskedAt: now })
    .where(
      and(
        eq(voicemails.id, work.id),
        work.transcriptAskedAt
          ? eq(voicemails.transcriptAskedAt, work.transcriptAskedAt)
          : isNull(voicemails.transcriptAskedAt),
      ),
    )
    .returning({ id: voicemails.id });
  return taken.length === 1;
}

/** The speech service's id for the transcript asked for (or `failed:<id>` once it says it cannot). */
export async function setTranscriptId(tx: Q, voicemailId: number, transcriptId: string): Promise<void> {
  await tx.update(voicemails).set({ transcriptId }).where(eq(voicemails.id, voicemailId));
}

export async function voicemailByTranscriptId(q: ReadQ, transcriptId: string): Promise<TranscriptWork | undefined> {
  const [row] = await q.select(transcriptWork).from(voicemails).where(eq(voicemails.transcriptId, transcriptId));
  return row;
}
