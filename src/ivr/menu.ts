import { DateTime } from 'luxon';
import { ratePeriodAt } from '../calendar/index.js';
import { clientById, clientBySupportCode, identifyCaller } from '../clients/index.js';
import {
  callerIdOf,
  mayDial,
  normalisePhone,
  supportLevelOf,
  type ServiceLine,
  type SupportLevel,
} from '../config/index.js';
import { queueCallback } from '../callbacks/index.js';
import { escalateTicket, isOpen, ticketByNumber } from '../tickets/index.js';
import { maskPhone } from '../logging.js';
import { attempt, askForRecording, voiceUrl, type CallStep, type IvrDeps } from './context.js';
import {
  callOf,
  changeCall,
  noteOnCall,
  recordIncomingCall,
  recordOutcome,
  type CallRow,
  type NewCall,
} from './store.js';
import { spellDigits } from './prompts.js';
import { isLineTestCall, lineTestSeen } from './line-test.js';
import { emergencyMessage } from './live.js';
import { dial, gather, sayAndHangUp } from './twiml.js';
import { greeting, menuPrompt } from './greeting.js';

const MAX_TRIES = 3;

/** A moment as a caller hears it: the weekday, date and local time, in the organisation's language. */
const spokenWhen = (deps: IvrDeps, at: Date) =>
  DateTime.fromJSDate(at, { zone: deps.organisation.timezone })
    .setLocale(deps.organisation.language)
    .toLocaleString({ weekday: 'long', day: 'numeric', month: 'long', hour: 'numeric', minute: '2-digit' });

/**
 * A new call: note it (on disk before the caller is answered), recognise the caller by caller ID,
 * greet by rate period and offer the menu.
 */
export async function incomingCall(deps: IvrDeps, step: CallStep): Promise<string> {
  const now = deps.clock.now();
  // The daily test call from the organisation's own test number: seen, greeted, never logged or billed.
  if (isLineTestCall(deps.organisation, step.from)) {
    await lineTestSeen(deps.db, deps.clock, 'greeting', step.callSid);
    return greeting(deps, ratePeriodAt(deps.calendar, now));
  }
  const made = await newCall(deps, step, now);
  if (made) await recordIncomingCall(deps.db, made.call);
  const period = made?.call.ratePeriod ?? ratePeriodAt(deps.calendar, now);
  // An announcement for everyone needs nothing more; one for some clients or lines needs the caller known
  // (on PostgreSQL the row's statement recognises the caller, so then it is looked up here too).
  let known = made?.known;
  if (!known && made?.from && deps.db.engine !== 'sqlite' && deps.announcements.targeted(now))
    known = await identifyCaller(deps.clients, made.from);
  const heard = deps.announcements.forCaller({ clientId: known?.clientId, lines: known?.lines }, now);
  return greeting(deps, period, heard);
}

async function newCall(
  deps: IvrDeps,
  step: CallStep,
  now: Date,
): Promise<{ call: NewCall; known?: Awaited<ReturnType<typeof identifyCaller>>; from?: string } | undefined> {
  if (!step.callSid) return undefined;
  const period = ratePeriodAt(deps.calendar, now);
  const from = callerIdOf(step.from, deps.organisation.country);
  // On PostgreSQL the caller is recognised by the statement that writes the row (one per batch).
  const known = deps.db.engine === 'sqlite' ? await identifyCaller(deps.clients, from) : undefined;
  // Every call is on record in the calls table (the after-hours log); the log line is for debugging,
  // and built only when it will be written.
  if (deps.log.isLevelEnabled('debug'))
    deps.log.debug(
      { callSid: step.callSid, from: maskPhone(step.from), period, known: Boolean(known) },
      'incoming call',
    );
  return {
    call: {
      callSid: step.callSid,
      fromNumber: from ?? step.from?.slice(0, 40) ?? null,
      toNumber: step.to?.slice(0, 40) ?? null,
      clientId: known?.clientId ?? null,
      contactId: known?.contactId ?? null,
      ratePeriod: period,
      startedAt: now,
    },
    known,
    from,
  };
}

type MenuAction = (deps: IvrDeps, step: CallStep, call: CallRow | undefined) => string | Promise<string>;

/** The phone tree at a glance: the key a caller presses and what it does. */
const MENU: Record<string, MenuAction> = {
  '1': helpdesk,
  '2': (deps) => askSupportCode(deps, 'callback/code', 1, []),
  '3': askTicket,
  '5': emergency,
};

export async function menuChoice(deps: IvrDeps, step: CallStep): Promise<string> {
  if (isLineTestCall(deps.organisation, step.from)) {
    await lineTestSeen(deps.db, deps.clock, 'menu', step.callSid);
    return sayAndHangUp(deps.speech, ['Line test received. Goodbye.']);
  }
  const tryNo = attempt(step);
  const call = await callOf(deps, step);
  const period = ratePeriodAt(deps.calendar, deps.clock.now());
  const key = step.digits.slice(0, 1);
  const action = MENU[key];
  if (action && (key !== '1' || period === 'business')) {
    await noteOnCall(deps, step, key, key === '5' ? { emergency: true } : {});
    return action(deps, step, call);
  }
  const s = deps.speech;
  const why = key === '1' ? s.say('helpdesk_closed') : key ? s.say('invalid_choice') : s.say('no_choice');
  if (tryNo >= MAX_TRIES) {
    await noteOnCall(deps, step, 'voicemail');
    return askForRecording(deps, 'general', 1, [why]);
  }
  return gather(s, {
    before: [why],
    prompts: [menuPrompt(deps, period)],
    action: voiceUrl(deps, 'menu', { try: tryNo + 1 }),
    mode: 'key',
  });
}

function helpdesk(deps: IvrDeps): string {
  const configured = deps.organisation.helpdesk.forwardTo;
  const numbers = configured.length
    ? configured
    : deps.organisation.staff.filter((p) => p.role === 'office').map((p) => p.phone);
  if (numbers.length === 0) return askForRecording(deps, 'general', 1, []);
  return dial(deps.speech, {
    before: [deps.speech.say('connecting')],
    numbers,
    timeoutSeconds: Math.max(5, Math.round(deps.organisation.helpdesk.ringTimeoutMs / 1000)),
    action: voiceUrl(deps, 'helpdesk-done'),
  });
}

/** After ringing the helpdesk: answered and finished, or nobody free (offer a callback or a message). */
export async function helpdeskDone(deps: IvrDeps, step: CallStep): Promise<string> {
  if (step.form.DialCallStatus === 'completed') {
    await recordOutcome(deps, step, 'transferred');
    return sayAndHangUp(deps.speech, []);
  }
  return gather(deps.speech, {
    prompts: [deps.speech.say('helpdesk_missed')],
    action: voiceUrl(deps, 'helpdesk-missed'),
    mode: 'key',
  });
}

export async function helpdeskMissed(deps: IvrDeps, step: CallStep): Promise<string> {
  if (step.digits.startsWith('2')) {
    await noteOnCall(deps, step, '2');
    return askSupportCode(deps, 'callback/code', 1, []);
  }
  await noteOnCall(deps, step, 'voicemail');
  return askForRecording(deps, 'general', 1, []);
}

/**
 * What a caller's contract says, read once: its support level (the first listed for an unknown caller)
 * and the service lines it covers (every line for an unknown caller). Without levels or lines in the
 * organisation file there is nothing to read.
 */
async function contractOf(
  deps: IvrDeps,
  clientId: number | null | undefined,
): Promise<{ level?: SupportLevel; lines: ServiceLine[] }> {
  const org = deps.organisation;
  const client =
    clientId && (org.supportLevels.length || org.serviceLines.length)
      ? await clientById(deps.db.q, clientId)
      : undefined;
  const covered = client?.lines;
  return {
    level: supportLevelOf(org.supportLevels, client?.level),
    lines: covered ? org.serviceLines.filter((l) => covered.includes(l.id)) : org.serviceLines,
  };
}

/**
 * Once the caller is identified (or is not), outside business hours the contract's terms first: a level
 * that bills after-hours emergencies says so; one that does not include them asks whether to go ahead at
 * the after-hours rate (1, the caller's consent) or be called back in the next window (2). Then the line,
 * then the voicemail.
 */
async function beforeRecording(
  deps: IvrDeps,
  step: CallStep,
  clientId: number | null | undefined,
  before: string[],
): Promise<string> {
  const contract = await contractOf(deps, clientId);
  if (ratePeriodAt(deps.calendar, deps.clock.now()) !== 'business') {
    const terms = contract.level?.afterHoursEmergency;
    if (terms === 'none') return askTerms(deps, 1, before);
    if (terms === 'billable') {
      await changeCall(deps, step, { afterHoursTerms: 'billable' });
      return lineThenRecording(deps, step, contract.lines, [...before, deps.speech.say('after_hours_billable')]);
    }
  }
  return lineThenRecording(deps, step, contract.lines, before);
}

function askTerms(deps: IvrDeps, tryNo: number, before: string[]): string {
  return gather(deps.speech, {
    before,
    prompts: [deps.speech.say('after_hours_not_included')],
    action: voiceUrl(deps, 'emergency/terms', { try: tryNo }),
    mode: 'key',
  });
}

/**
 * A contract without after-hours emergencies: 1 goes ahead at the after-hours rate (the consent is kept
 * on the call, with its time and number, and the ticket is billable); 2 queues a callback for the next
 * window and pages nobody. Anything else is asked again; after three tries the emergency goes ahead,
 * since nobody is left without help because of a menu, and the ticket says no consent was given.
 */
export async function emergencyTerms(deps: IvrDeps, step: CallStep): Promise<string> {
  const call = await callOf(deps, step);
  const s = deps.speech;
  const key = step.digits.slice(0, 1);
  if (key === '1') {
    await noteOnCall(deps, step, 'consent', { afterHoursTerms: 'consented', consentAt: deps.clock.now() });
    return lineThenRecording(deps, step, (await contractOf(deps, call?.clientId)).lines, [
      s.say('after_hours_go_ahead'),
    ]);
  }
  if (key === '2') {
    const phone =
      call?.fromNumber && mayDial(deps.organisation.callbackCountries, call.fromNumber) ? call.fromNumber : undefined;
    if (phone) {
      await noteOnCall(deps, step, '2');
      const { callback } = await queueCallback(deps.callbacks, {
        clientId: call?.clientId,
        contactId: call?.contactId,
        phone,
        callSid: step.callSid,
        reason: 'After-hours emergency not included in the contract: call back when the office opens',
      });
      await recordOutcome(deps, step, 'callback_queued');
      return sayAndHangUp(s, [s.say('after_hours_callback', { when: spokenWhen(deps, callback.dueAt) })]);
    }
    // No number to call back: the callback path asks for one.
    await noteOnCall(deps, step, '2');
    return gather(s, {
      prompts: [s.say('callback_need_number', { client: '' })],
      action: voiceUrl(deps, 'callback/number', { try: 1 }),
      mode: 'digits',
    });
  }
  const tryNo = attempt(step);
  const why = s.say(key ? 'invalid_choice' : 'no_choice');
  if (tryNo >= MAX_TRIES) return lineThenRecording(deps, step, (await contractOf(deps, call?.clientId)).lines, [why]);
  return askTerms(deps, tryNo + 1, [why]);
}

/** Which service line, when the caller's contract covers several (the only one is taken without a question), then the voicemail. */
async function lineThenRecording(
  deps: IvrDeps,
  step: CallStep,
  lines: ServiceLine[],
  before: string[],
): Promise<string> {
  if (lines.length === 1) await changeCall(deps, step, { line: lines[0]!.id });
  if (lines.length <= 1) return emergencyMessage(deps, step, lines[0]?.id, before);
  return askLine(deps, lines, 1, before);
}

function askLine(deps: IvrDeps, lines: ServiceLine[], tryNo: number, before: string[]): string {
  return gather(deps.speech, {
    before,
    prompts: [lines.map((l, i) => deps.speech.say('line_choice', { line: l.name, key: i + 1 })).join(' ')],
    action: voiceUrl(deps, 'emergency/line', { try: tryNo }),
    mode: 'key',
  });
}

/**
 * The line chosen: its people are paged. No key or a wrong one is asked once more; after that the
 * voicemail is taken without a line (the organisation's on-call engineer and every architect are paged),
 * since an emergency is never held up by a menu.
 */
export async function emergencyLine(deps: IvrDeps, step: CallStep): Promise<string> {
  const call = await callOf(deps, step);
  const { lines } = await contractOf(deps, call?.clientId);
  const chosen = /^[1-9]/.test(step.digits) ? lines[Number(step.digits[0]) - 1] : undefined;
  if (chosen) {
    await noteOnCall(deps, step, `line:${chosen.id}`, { line: chosen.id });
    return emergencyMessage(deps, step, chosen.id, []);
  }
  const why = deps.speech.say(step.digits ? 'invalid_choice' : 'no_choice');
  if (attempt(step) >= 2) return emergencyMessage(deps, step, undefined, [why]);
  return askLine(deps, lines, attempt(step) + 1, [why]);
}

/** 5: identify the caller if caller ID did not, but never hold up an emergency for it. */
async function emergency(deps: IvrDeps, step: CallStep, call: CallRow | undefined): Promise<string> {
  if (call?.clientId) return beforeRecording(deps, step, call.clientId, []);
  return gather(deps.speech, {
    prompts: [deps.speech.say('emergency_code')],
    action: voiceUrl(deps, 'emergency/code'),
    mode: 'digits',
    timeoutSeconds: 8,
  });
}

export async function emergencyCode(deps: IvrDeps, step: CallStep): Promise<string> {
  const client = step.digits ? await clientBySupportCode(deps.clients, step.digits) : undefined;
  if (client) await changeCall(deps, step, { clientId: client.id });
  const before = step.digits && !client ? [deps.speech.say('emergency_code_unknown')] : [];
  const call = client ? undefined : await callOf(deps, step);
  return beforeRecording(deps, step, client?.id ?? call?.clientId, before);
}

function askSupportCode(deps: IvrDeps, path: string, tryNo: number, before: string[]): string {
  const key = path.startsWith('ticket') ? 'ticket_code' : 'callback_code';
  return gather(deps.speech, {
    before,
    prompts: [deps.speech.say(key)],
    action: voiceUrl(deps, path, { try: tryNo }),
    mode: 'digits',
  });
}

/** A support code typed for a callback (2) or to find a ticket (3); three tries, then a message instead. */
async function checkSupportCode(
  deps: IvrDeps,
  step: CallStep,
  path: string,
  next: (clientName: string, clientId: number) => string | Promise<string>,
): Promise<string> {
  const client = step.digits ? await clientBySupportCode(deps.clients, step.digits) : undefined;
  const tryNo = attempt(step);
  if (!client) {
    if (tryNo >= MAX_TRIES) {
      await noteOnCall(deps, step, 'voicemail');
      return askForRecording(deps, 'general', 1, [deps.speech.say('code_gave_up')]);
    }
    return askSupportCode(deps, path, tryNo + 1, [deps.speech.say('code_wrong')]);
  }
  const call = await callOf(deps, step);
  const contact = client.contacts.find((c) => c.phone && c.phone === call?.fromNumber);
  await changeCall(deps, step, { clientId: client.id, contactId: contact?.id ?? null });
  return next(client.name, client.id);
}

export async function callbackCode(deps: IvrDeps, step: CallStep): Promise<string> {
  return checkSupportCode(deps, step, 'callback/code', async (clientName) => {
    const callerId = await callerPhone(deps, step);
    const key = callerId ? 'callback_confirm' : 'callback_need_number';
    const prompt = deps.speech.say(key, { client: clientName, phone: spellDigits(callerId ?? '') });
    return gather(deps.speech, {
      prompts: [prompt],
      action: voiceUrl(deps, 'callback/number', { try: 1 }),
      mode: 'digits',
    });
  });
}

/** The caller ID, when it is a number Switchboard may call back (in the allowed countries, not premium-rate). */
async function callerPhone(deps: IvrDeps, step: CallStep): Promise<string | undefined> {
  const call = await callOf(deps, step);
  const phone = normalisePhone(call?.fromNumber ?? step.from ?? '', deps.organisation.country);
  return phone && mayDial(deps.organisation.callbackCountries, phone) ? phone : undefined;
}

/** 1 or nothing keeps the caller ID; digits are another number; then the callback is queued. */
export async function callbackNumber(deps: IvrDeps, step: CallStep): Promise<string> {
  const callerId = await callerPhone(deps, step);
  const typed = step.digits && step.digits !== '1' ? normalisePhone(step.digits, deps.organisation.country) : undefined;
  const refused = typed !== undefined && !mayDial(deps.organisation.callbackCountries, typed);
  const phone = step.digits && step.digits !== '1' ? (refused ? undefined : typed) : callerId;
  const s = deps.speech;
  if (!phone) {
    const tryNo = attempt(step);
    const why = s.say(refused ? 'callback_not_allowed' : 'callback_bad_number');
    if (tryNo >= MAX_TRIES) return sayAndHangUp(s, [why, s.say('goodbye')]);
    return gather(s, {
      before: [why],
      prompts: [s.say('callback_need_number', { client: '' })],
      action: voiceUrl(deps, 'callback/number', { try: tryNo + 1 }),
      mode: 'digits',
    });
  }
  const call = await callOf(deps, step);
  const { callback, position } = await queueCallback(deps.callbacks, {
    clientId: call?.clientId,
    contactId: call?.contactId,
    phone,
    callSid: step.callSid,
    reason: 'Requested by phone',
  });
  await recordOutcome(deps, step, 'callback_queued');
  const now = deps.clock.now();
  if (callback.dueAt.getTime() <= now.getTime() + 60_000)
    return sayAndHangUp(s, [s.say('callback_booked_soon', { position })]);
  return sayAndHangUp(s, [s.say('callback_booked_later', { when: spokenWhen(deps, callback.dueAt), position })]);
}

/** 3: the caller's client must be known (caller ID or support code) before a ticket number means anything. */
function askTicket(deps: IvrDeps, _step: CallStep, call: CallRow | undefined): string {
  if (call?.clientId) return askTicketNumber(deps, 1, []);
  return askSupportCode(deps, 'ticket/code', 1, []);
}

function askTicketNumber(deps: IvrDeps, tryNo: number, before: string[]): string {
  return gather(deps.speech, {
    before,
    prompts: [deps.speech.say('ticket_number')],
    action: voiceUrl(deps, 'ticket/number', { try: tryNo }),
    mode: 'digits',
  });
}

export async function ticketCode(deps: IvrDeps, step: CallStep): Promise<string> {
  return checkSupportCode(deps, step, 'ticket/code', () => askTicketNumber(deps, 1, []));
}

/** Escalates the caller's own open ticket; any other number gets the same answer, so nothing is revealed. */
export async function ticketNumber(deps: IvrDeps, step: CallStep): Promise<string> {
  const call = await callOf(deps, step);
  const number = /^\d{1,9}$/.test(step.digits) ? Number(step.digits) : undefined;
  const ticket = number !== undefined ? await ticketByNumber(deps.db.q, number) : undefined;
  const tryNo = attempt(step);
  if (!ticket || !call?.clientId || ticket.clientId !== call.clientId || !isOpen(ticket)) {
    const notFound = deps.speech.say('ticket_not_found');
    if (tryNo >= MAX_TRIES) {
      await noteOnCall(deps, step, 'voicemail');
      return askForRecording(deps, 'general', 1, [notFound]);
    }
    return askTicketNumber(deps, tryNo + 1, [notFound]);
  }
  await escalateTicket(deps.tickets, ticket.id, step.callSid);
  if (step.callSid) {
    await recordOutcome(deps, step, 'ticket_escalated', ticket.id);
    await noteOnCall(deps, step, `ticket:${ticket.number}`);
  }
  return askForRecording(deps, 'escalation', 1, [], ticket);
}
