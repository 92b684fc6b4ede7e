import {
  recordTranscription,
  setTranscriptId,
  takeTranscriptWork,
  voicemailByTranscriptId,
  voicemailsForTranscripts,
  type TranscriptWork,
} from '../tickets/index.js';
import type { CallStep, IvrDeps } from './context.js';
import { empty } from './twiml.js';

/** A transcript not asked for after a failed request is asked again this much later. */
const ASK_AGAIN_MS = 10 * 60_000;
/** A transcript asked for is looked at again (if no callback said it was done) this much later. */
const LOOK_AGAIN_MS = 60_000;
const AT_ONCE = 20;

/**
 * The speech service's side of voicemails: asks for a transcript of every new voicemail, and reads each one
 * back once done (on the service's callback, or here a minute later if none came). Pages never wait on
 * this: voicemails are paged when they are saved, and their words follow as a notice of their own.
 */
export async function workOnTranscripts(deps: IvrDeps): Promise<{ asked: number; written: number }> {
  const done = { asked: 0, written: 0 };
  if (!deps.transcripts) return done;
  const now = deps.clock.now();
  const due = await voicemailsForTranscripts(deps.db.q, now, new Date(now.getTime() - LOOK_AGAIN_MS), AT_ONCE);
  for (const work of due) {
    const failedToAsk =
      !work.transcriptId && work.transcriptAskedAt && now.getTime() - work.transcriptAskedAt.getTime() < ASK_AGAIN_MS;
    if (failedToAsk) continue;
    if (!(await deps.db.withTransaction((tx) => takeTranscriptWork(tx, work, now)))) continue;
    if (work.transcriptId) {
      if (await readTranscript(deps, work, work.transcriptId)) done.written++;
      continue;
    }
    try {
      const id = await deps.transcripts.request(work.recordingSid);
      await deps.db.withTransaction((tx) => setTranscriptId(tx, work.id, id));
      done.asked++;
    } catch (err) {
      deps.log.warn(
        { err: (err as Error).message, recordingSid: work.recordingSid },
        'could not ask for a transcript of a voicemail; will ask again',
      );
    }
  }
  return done;
}

/** Reads a transcript; once done, its words reach the ticket and everyone paged (the first words only). */
async function readTranscript(deps: IvrDeps, work: TranscriptWork, transcriptId: string): Promise<boolean> {
  try {
    const read = await deps.transcripts!.read(transcriptId);
    if (read.status === 'pending') return false;
    if (read.status === 'failed' || !read.text) {
      deps.log.warn(
        { transcriptId, recordingSid: work.recordingSid },
        'the speech service could not transcribe a voicemail',
      );
      await deps.db.withTransaction((tx) => setTranscriptId(tx, work.id, `failed:${transcriptId}`));
      return false;
    }
    await recordTranscription(deps.tickets, work.recordingSid, read.text.slice(0, 10_000));
    return true;
  } catch (err) {
    deps.log.warn({ err: (err as Error).message, transcriptId }, 'could not read a transcript; will look again');
    return false;
  }
}

/** The speech service's callback (`transcript_sid`): that transcript is read now rather than at the next look. */
export async function transcriptReady(deps: IvrDeps, step: CallStep): Promise<string> {
  const id = step.form.transcript_sid ?? step.form.TranscriptSid;
  if (deps.transcripts && id && /^GT[0-9a-fA-F]{32}$/.test(id)) {
    const work = await voicemailByTranscriptId(deps.db.q, id);
    if (work) await readTranscript(deps, work, id);
  }
  return empty();
}

/** After a voicemail is saved (and paged): its transcript is asked for at once, outside the webhook's answer. */
export function askForTranscriptSoon(deps: IvrDeps): void {
  if (!deps.transcripts) return;
  setImmediate(() => {
    workOnTranscripts(deps).catch((err: unknown) =>
      deps.log.warn({ err: (err as Error).message }, 'transcripts will be asked for at the next minute'),
    );
  });
}
