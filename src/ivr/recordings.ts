import {
  VOICEMAIL_KINDS,
  recordTranscription,
  recordVoicemail,
  ticketById,
  type VoicemailKind,
} from '../tickets/index.js';
import { CALL_ENDED, attempt, askForRecording, spellNumber, type CallStep, type IvrDeps } from './context.js';
import { liveCallEnded } from './live.js';
import { callBySid, callOf, closeUnfinished, noteOnCall, recordOutcome } from './store.js';
import { askForTranscriptSoon } from './transcripts.js';
import { empty, sayAndHangUp } from './twiml.js';

function kindOf(step: CallStep): VoicemailKind {
  const k = step.query.kind as VoicemailKind;
  return VOICEMAIL_KINDS.includes(k) ? k : 'emergency';
}

function seconds(text: string | undefined): number {
  const n = Number(text);
  return Number.isFinite(n) && n >= 0 ? Math.min(Math.floor(n), 86_400) : 0;
}

const validSid = (sid: string | undefined) => (sid && /^[A-Za-z0-9]{2,64}$/.test(sid) ? sid : undefined);

/** Takes a recording reported by the <Record> action or its status callback; both may arrive, in any order, on any instance. */
async function ingest(deps: IvrDeps, step: CallStep, source: 'record_action' | 'recording_status') {
  const recordingSid = validSid(step.form.RecordingSid);
  if (!recordingSid) return undefined;
  const call = await callOf(deps, step);
  const ticketId = Number(step.query.ticket);
  const escalating =
    kindOf(step) === 'escalation' && Number.isInteger(ticketId) && (await ticketById(deps.db.q, ticketId))
      ? ticketId
      : undefined;
  const result = await recordVoicemail(deps.tickets, {
    recordingSid,
    callSid: step.callSid,
    kind: escalating ? 'escalation' : kindOf(step) === 'escalation' ? 'general' : kindOf(step),
    durationSeconds: seconds(step.form.RecordingDuration),
    recordingUrl: step.form.RecordingUrl?.slice(0, 500),
    callerNumber: call?.fromNumber ?? step.from,
    clientId: call?.clientId,
    contactId: call?.contactId,
    line: call?.line,
    afterHoursTerms: call?.afterHoursTerms,
    consentAt: call?.consentAt,
    ticketId: escalating,
    liveTicketId: call?.ticketId,
    source,
    // Only the action request can ask again, and only while the caller is still on the line.
    canAskAgain: attempt(step) < 2 && step.digits !== 'hangup' && step.form.Digits !== 'hangup',
  });
  if (result.result !== 'too_short') askForTranscriptSoon(deps);
  if (result.result !== 'too_short' && result.ticket) {
    const kind = kindOf(step);
    await recordOutcome(
      deps,
      step,
      kind === 'emergency' ? 'emergency_voicemail' : kind === 'escalation' ? 'ticket_escalated' : 'voicemail',
      result.ticket.id,
    );
  }
  return result;
}

async function escalationTarget(deps: IvrDeps, step: CallStep) {
  const id = Number(step.query.ticket);
  const ticket = Number.isInteger(id) ? await ticketById(deps.db.q, id) : undefined;
  return ticket ? { id: ticket.id, number: ticket.number } : undefined;
}

/** The <Record> action: thank the caller with their ticket number, or ask once more for a message too short. */
export async function recorded(deps: IvrDeps, step: CallStep): Promise<string> {
  const result = await ingest(deps, step, 'record_action');
  if (!result) return noRecording(deps, step);
  if (result.result === 'too_short')
    return askForRecording(deps, kindOf(step), 2, [], await escalationTarget(deps, step));
  const s = deps.speech;
  if (!result.ticket) return sayAndHangUp(s, [s.say('goodbye')]);
  const number = spellNumber(result.ticket.number);
  await noteOnCall(deps, step, 'voicemail');
  const key =
    result.ticket.emergency && kindOf(step) === 'emergency'
      ? 'emergency_thanks'
      : kindOf(step) === 'escalation'
        ? 'escalation_thanks'
        : 'voicemail_thanks';
  return sayAndHangUp(s, [s.say(key, { number })]);
}

/** Twilio found nothing to record: ask once more, then give up politely (nobody is paged without a message). */
export async function noRecording(deps: IvrDeps, step: CallStep): Promise<string> {
  const tryNo = attempt(step);
  if (tryNo < 2) return askForRecording(deps, kindOf(step), 2, [], await escalationTarget(deps, step));
  if (step.callSid) {
    const call = await callBySid(deps.db.q, step.callSid);
    if (call?.outcome === 'in_progress')
      await recordOutcome(deps, step, call.emergency ? 'abandoned_emergency' : 'abandoned');
  }
  return sayAndHangUp(deps.speech, [deps.speech.say('nothing_recorded')]);
}

export async function recordingStatus(deps: IvrDeps, step: CallStep): Promise<string> {
  const status = step.form.RecordingStatus;
  if (status === 'completed') await ingest(deps, step, 'recording_status');
  else deps.log.info({ callSid: step.callSid, status, error: step.form.ErrorCode }, 'recording not completed');
  return empty();
}

export async function transcription(deps: IvrDeps, step: CallStep): Promise<string> {
  const sid = validSid(step.form.RecordingSid);
  const text = step.form.TranscriptionText?.trim();
  if (sid && text && step.form.TranscriptionStatus !== 'failed')
    await recordTranscription(deps.tickets, sid, text.slice(0, 10_000));
  return empty();
}

/** The number's call status callback: a call that ends without an outcome was abandoned. */
export async function callStatus(deps: IvrDeps, step: CallStep): Promise<string> {
  if (step.callSid && CALL_ENDED.includes(step.form.CallStatus ?? '')) {
    await deps.db.withTransaction((tx) => closeUnfinished(tx, step.callSid!, deps.clock.now()));
    // Whatever the organisation file says now: a call rung through live before a restart that turned
    // live connect off is still paged.
    const call = await callBySid(deps.db.q, step.callSid);
    if (call) await liveCallEnded(deps, call);
  }
  return empty();
}
