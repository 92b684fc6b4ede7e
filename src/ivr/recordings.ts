import {
  VOICEMAIL_KINDS,
  recordTranscription,
  recordVoicemail,
  ticketById,
  type VoicemailKind,
} from '../tickets/index.js';
import { attempt, askForRecording, spellNumber, type CallStep, type IvrDeps } from './context.js';
import { callBySid, closeUnfinished, noteStep, setOutcome } from './calls.js';
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

/** Takes a recording reported by the <Record> action or its status callback; both may arrive, in any order. */
function ingest(deps: IvrDeps, step: CallStep, source: 'record_action' | 'recording_status') {
  const recordingSid = validSid(step.form.RecordingSid);
  if (!recordingSid) return undefined;
  const call = step.callSid ? callBySid(deps.db, step.callSid) : undefined;
  const ticketId = Number(step.query.ticket);
  const escalating =
    kindOf(step) === 'escalation' && Number.isInteger(ticketId) && ticketById(deps.db, ticketId) ? ticketId : undefined;
  const outcome = recordVoicemail(deps.tickets, {
    recordingSid,
    callSid: step.callSid,
    kind: escalating ? 'escalation' : kindOf(step) === 'escalation' ? 'general' : kindOf(step),
    durationSeconds: seconds(step.form.RecordingDuration),
    recordingUrl: step.form.RecordingUrl?.slice(0, 500),
    callerNumber: call?.fromNumber ?? step.from,
    clientId: call?.clientId,
    contactId: call?.contactId,
    ticketId: escalating,
    source,
    // Only the action request can ask again, and only while the caller is still on the line.
    canAskAgain: attempt(step) < 2 && step.digits !== 'hangup' && step.form.Digits !== 'hangup',
  });
  if (step.callSid && outcome.result !== 'too_short' && outcome.ticket) {
    const kind = kindOf(step);
    setOutcome(
      deps.db,
      step.callSid,
      kind === 'emergency' ? 'emergency_voicemail' : kind === 'escalation' ? 'ticket_escalated' : 'voicemail',
      outcome.ticket.id,
    );
  }
  return outcome;
}

/** The <Record> action: thank the caller with their ticket number, or ask once more for a message too short. */
export function recorded(deps: IvrDeps, step: CallStep): string {
  const outcome = ingest(deps, step, 'record_action');
  if (!outcome) return noRecording(deps, step);
  if (outcome.result === 'too_short') return askForRecording(deps, kindOf(step), 2, [], escalationTarget(deps, step));
  const s = deps.speech;
  const number = spellNumber(outcome.ticket?.number);
  if (!outcome.ticket) return sayAndHangUp(s, [s.say('goodbye')]);
  if (step.callSid) noteStep(deps.db, step.callSid, 'voicemail');
  const key =
    outcome.ticket.emergency && kindOf(step) === 'emergency'
      ? 'emergency_thanks'
      : kindOf(step) === 'escalation'
        ? 'escalation_thanks'
        : 'voicemail_thanks';
  return sayAndHangUp(s, [s.say(key, { number })]);
}

function escalationTarget(deps: IvrDeps, step: CallStep) {
  const id = Number(step.query.ticket);
  const ticket = Number.isInteger(id) ? ticketById(deps.db, id) : undefined;
  return ticket ? { id: ticket.id, number: ticket.number } : undefined;
}

/** Twilio found nothing to record: ask once more, then give up politely (nobody is paged without a message). */
export function noRecording(deps: IvrDeps, step: CallStep): string {
  const tryNo = attempt(step);
  if (tryNo < 2) return askForRecording(deps, kindOf(step), 2, [], escalationTarget(deps, step));
  if (step.callSid) {
    const call = callBySid(deps.db, step.callSid);
    if (call?.outcome === 'in_progress')
      setOutcome(deps.db, step.callSid, call.emergency ? 'abandoned_emergency' : 'abandoned');
  }
  return sayAndHangUp(deps.speech, [deps.speech.say('nothing_recorded')]);
}

export function recordingStatus(deps: IvrDeps, step: CallStep): string {
  const status = step.form.RecordingStatus;
  if (status === 'completed') ingest(deps, step, 'recording_status');
  else deps.log.info({ callSid: step.callSid, status, error: step.form.ErrorCode }, 'recording not completed');
  return empty();
}

export function transcription(deps: IvrDeps, step: CallStep): string {
  const sid = validSid(step.form.RecordingSid);
  const text = step.form.TranscriptionText?.trim();
  if (sid && text && step.form.TranscriptionStatus !== 'failed')
    recordTranscription(deps.tickets, sid, text.slice(0, 10_000));
  return empty();
}

/** The number's call status callback: a call that ends without an outcome was abandoned. */
export function callStatus(deps: IvrDeps, step: CallStep): string {
  const ended = ['completed', 'busy', 'failed', 'no-answer', 'canceled'];
  if (step.callSid && ended.includes(step.form.CallStatus ?? ''))
    closeUnfinished(deps.db, step.callSid, deps.clock.now());
  return empty();
}
