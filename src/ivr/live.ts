import type { Organisation } from '../config/index.js';
import { lineOf, onCallAt } from '../oncall/index.js';
import {
  acknowledge,
  type TicketDeps,
  noteOnTicket,
  openLiveEmergency,
  pageUnansweredLive,
  ticketById,
} from '../tickets/index.js';
import {
  CALL_ENDED,
  answeredByMachine,
  askForRecording,
  callerName,
  spellNumber,
  staffOf,
  voiceUrl,
  type CallStep,
  type IvrDeps,
} from './context.js';
import { callBySid, noteStep, setOutcome, unconnectedLiveCalls, updateCall, type CallRow } from './store.js';
import { dial, empty, gather, sayAndHangUp, sayOnly } from './twiml.js';

/** How long the on-call engineer's phone rings before the caller is asked for a voicemail instead. */
export const LIVE_RING_SECONDS = 25;

/** Live connect is set per line (`service_lines[].live_connect`), else for the organisation (`emergency.live_connect`). */
export const liveConnectOn = (org: Organisation, line: string | null | undefined): boolean =>
  lineOf(org, line)?.liveConnect ?? org.emergency.liveConnect;

/** A call that tried live connect and was not put through, and is now asked for a voicemail. */
const MISSED = 'live-missed';
const triedLive = (call: CallRow) => call.path.split(',').some((s) => s.startsWith('live:'));

/**
 * The caller is identified and their line known: the emergency message, or with live connect the
 * on-call engineer's phone first. The ticket is opened (not paged) so the whisper can name it; the
 * engineer's phone shows the helpdesk number, and nobody is paged unless the call is not accepted.
 */
export async function emergencyMessage(
  deps: IvrDeps,
  step: CallStep,
  line: string | null | undefined,
  before: string[],
): Promise<string> {
  const call =
    step.callSid && liveConnectOn(deps.organisation, line) ? await callBySid(deps.db.q, step.callSid) : undefined;
  if (!call) return askForRecording(deps, 'emergency', 1, before);
  const engineer = (await onCallAt(deps.db.q, deps.organisation, deps.clock.now(), line)).staff;
  const ticket = await openLiveEmergency(
    deps.tickets,
    {
      callSid: call.callSid,
      callerNumber: call.fromNumber ?? undefined,
      clientId: call.clientId,
      contactId: call.contactId,
      line: line ?? call.line,
      afterHoursTerms: call.afterHoursTerms,
      consentAt: call.consentAt,
    },
    (tx, t) => noteStep(tx, call.callSid, `live:${engineer.id}`, { ticketId: t.id }),
  );
  return dial(deps.speech, {
    before: [...before, deps.speech.say('live_connecting')],
    numbers: [engineer.phone],
    callerId: deps.organisation.helpdeskNumber,
    timeoutSeconds: LIVE_RING_SECONDS,
    action: voiceUrl(deps, 'live-done', { ticket: ticket.id }),
    whisperUrl: voiceUrl(deps, 'live-whisper', { ticket: ticket.id, staff: engineer.id, call: call.callSid }),
  });
}

async function liveTarget(deps: IvrDeps, step: CallStep) {
  const ticket = await ticketById(deps.db.q, Number(step.query.ticket));
  const staff = staffOf(deps, step);
  const parent = /^CA[0-9a-fA-F]{32}$/.test(step.query.call ?? '') ? step.query.call : undefined;
  return ticket && staff && parent ? { ticket, staff, parent } : undefined;
}

/**
 * The engineer's phone has been answered: before the caller is put through, it says who is calling
 * and which ticket, and asks for 1. An answering machine or voicemail box never presses 1; one that
 * Twilio recognises is hung up on at once.
 */
export async function liveWhisper(deps: IvrDeps, step: CallStep): Promise<string> {
  const target = await liveTarget(deps, step);
  if (!target) return sayAndHangUp(deps.speech, [deps.speech.say('page_not_valid')]);
  if (answeredByMachine(step)) return sayAndHangUp(deps.speech, []);
  const words = deps.speech.say('live_whisper', {
    client: await callerName(deps, target.ticket),
    number: spellNumber(target.ticket.number),
    org: deps.organisation.name,
  });
  return gather(deps.speech, {
    prompts: [words, words],
    action: voiceUrl(deps, 'live-accept', {
      ticket: target.ticket.id,
      staff: target.staff.id,
      call: target.parent,
    }),
    mode: 'key',
    timeoutSeconds: 6,
  });
}

/**
 * 1 accepts: the ticket is theirs (acknowledged by phone) and the call is put through once the
 * confirmation is spoken. Someone else took it meanwhile: they hear who, and are still put through (the
 * caller is on the line now). A ticket closed meanwhile is not put through. Anything else, or nothing,
 * hangs up this leg; the caller's <Dial> then ends and they are asked for a voicemail, which pages everyone.
 */
export async function liveAccept(deps: IvrDeps, step: CallStep): Promise<string> {
  const s = deps.speech;
  const target = await liveTarget(deps, step);
  if (!target) return sayAndHangUp(s, [s.say('page_not_valid')]);
  const key = step.digits.slice(0, 1);
  if (key !== '1') return sayAndHangUp(s, [...(key ? [s.say('page_key_heard', { key })] : []), s.say('live_declined')]);
  // The ticket is theirs first; only then is the call marked put through (so a failure here leaves a
  // call the caller's <Dial> end treats as missed, and pages).
  const outcome = await acknowledge(deps.tickets, target.ticket.number, target.staff, 'phone');
  const number = spellNumber(target.ticket.number);
  if (outcome.result === 'not_found') return sayAndHangUp(s, [s.say('live_closed', { number })]);
  await deps.db.withTransaction((tx) => setOutcome(tx, target.parent, 'bridged', target.ticket.id));
  if (outcome.result === 'already' && outcome.ticket.acknowledgedBy !== target.staff.id)
    return sayOnly(s, [s.say('live_taken_by', { number, name: outcome.by })]);
  return sayOnly(s, [s.say('live_accepted', { number })]);
}

/**
 * The caller's <Dial> to the engineer has ended. Put through: the talk is noted on the ticket (the
 * call keeps its rate period). Not accepted in time: the voicemail path, which pages everyone; or, when
 * the caller has already hung up, the ticket is paged now, since no voicemail will come.
 */
export async function liveDone(deps: IvrDeps, step: CallStep): Promise<string> {
  const call = step.callSid ? await callBySid(deps.db.q, step.callSid) : undefined;
  const ticket = await ticketById(deps.db.q, Number(step.query.ticket));
  if (call?.outcome === 'bridged' && ticket?.acknowledgedBy && step.form.DialCallStatus === 'completed') {
    const seconds = Math.min(Math.max(Number(step.form.DialCallDuration ?? 0) || 0, 0), 86_400);
    await deps.db.withTransaction((tx) => updateCall(tx, call.callSid, { endedAt: deps.clock.now() }));
    await noteOnTicket(deps.tickets, ticket.id, { text: 'talked with the caller (live connect)', seconds });
    // The caller is still on the line only if the engineer hung up first: tell them their ticket.
    return sayAndHangUp(deps.speech, [deps.speech.say('live_ended', { number: spellNumber(ticket.number) })]);
  }
  const gone = CALL_ENDED.includes(step.form.CallStatus ?? '');
  if (call && gone) {
    if (call.ticketId) await pageUnansweredLive(deps.tickets, call.ticketId, call.callSid);
    return empty();
  }
  if (call) await deps.db.withTransaction((tx) => noteStep(tx, call.callSid, MISSED));
  return askForRecording(deps, 'emergency', 1, [deps.speech.say('live_not_answered')]);
}

/**
 * The call has ended. One that was ringing the engineer (or being whispered to) and never reached
 * the voicemail leaves no message to page with: its ticket is paged now. One that was asked for the
 * voicemail is the voicemail path's (its recording may still be on its way); should none come, the
 * minute job below pages it.
 */
export async function liveCallEnded(deps: IvrDeps, call: CallRow): Promise<void> {
  if (!call.ticketId || !call.emergency || call.outcome === 'bridged' || !triedLive(call)) return;
  if (call.path.split(',').includes(MISSED)) return;
  await pageUnansweredLive(deps.tickets, call.ticketId, call.callSid);
}

/** How long after a missed live call ends its recording is waited for, before it is paged without one. */
export const RECORDING_GRACE_MS = 90_000;

/**
 * Every minute, live-connect calls of the last day that were not put through and whose ticket nobody
 * has been paged about: a caller who hung up at the voicemail prompt (paged once the call has been
 * over for RECORDING_GRACE_MS with no recording), or a call whose end Twilio never reported (paged ten
 * minutes after it began: time to ring, whisper and record the longest message). A ticket someone
 * took, or already paged, is left as it is; a recording that comes later still pages its link.
 */
export async function pageForgottenLiveCalls(deps: TicketDeps): Promise<number> {
  const now = deps.clock.now().getTime();
  const candidates = await unconnectedLiveCalls(deps.db.q, new Date(now - 86_400_000), new Date(now));
  let paged = 0;
  for (const call of candidates) {
    const due = call.endedAt
      ? call.endedAt.getTime() <= now - RECORDING_GRACE_MS
      : call.startedAt.getTime() <= now - 10 * 60_000;
    if (due && (await pageUnansweredLive(deps, call.ticketId!, call.callSid))) paged++;
  }
  return paged;
}
