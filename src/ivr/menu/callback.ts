import { DateTime } from 'luxon';
import { queueCallback } from '../../callbacks/index.js';
import { mayDial, normalisePhone } from '../../config/index.js';
import { MAX_TRIES, attempt, voiceUrl, type CallStep, type IvrDeps, type TwimlDeps } from '../context.js';
import { spellDigits } from '../prompts.js';
import { callOf, recordOutcome } from '../store.js';
import { gather, sayAndHangUp } from '../twiml.js';
import { askSupportCode, checkSupportCode } from './support-code.js';

/** A moment as a caller hears it: the weekday, date and local time, in the organisation's language. */
export const spokenWhen = (deps: Pick<TwimlDeps, 'organisation'>, at: Date) =>
  DateTime.fromJSDate(at, { zone: deps.organisation.timezone })
    .setLocale(deps.organisation.language)
    .toLocaleString({ weekday: 'long', day: 'numeric', month: 'long', hour: 'numeric', minute: '2-digit' });

/** 2: a callback starts with the caller's support code. */
export const askCallbackCode = (deps: TwimlDeps): string => askSupportCode(deps, 'callback/code', 1, []);

/**
 * The number to call back on: the caller ID read back, to confirm with 1 or replace by typing another;
 * without a caller ID Switchboard may call, a number to type.
 */
export function askCallbackNumber(
  deps: TwimlDeps,
  client: string,
  callerId: string | undefined,
  tryNo = 1,
  before: string[] = [],
): string {
  // Asked again, or where the client is not known by name, the caller is not thanked by an empty name.
  const key = callerId ? 'callback_confirm' : client ? 'callback_need_number' : 'callback_type_number';
  return gather(deps.speech, {
    before,
    prompts: [deps.speech.say(key, { client, phone: spellDigits(callerId ?? '') })],
    action: voiceUrl(deps, 'callback/number', { try: tryNo }),
    mode: 'digits',
  });
}

/** A number Switchboard may not call (or none at all): said, and asked again; after the third try, goodbye. */
export function callbackNumberAgain(deps: TwimlDeps, refused: boolean, tryNo: number): string {
  const s = deps.speech;
  const why = s.say(refused ? 'callback_not_allowed' : 'callback_bad_number');
  if (tryNo >= MAX_TRIES) return sayAndHangUp(s, [why, s.say('goodbye')]);
  return askCallbackNumber(deps, '', undefined, tryNo + 1, [why]);
}

/** The callback is queued: soon (within the minute), or when the office opens, and the caller's place. */
export function callbackBooked(deps: TwimlDeps, dueAt: Date, position: number, now: Date): string {
  const s = deps.speech;
  if (dueAt.getTime() <= now.getTime() + 60_000) return sayAndHangUp(s, [s.say('callback_booked_soon', { position })]);
  return sayAndHangUp(s, [s.say('callback_booked_later', { when: spokenWhen(deps, dueAt), position })]);
}

export async function callbackCode(deps: IvrDeps, step: CallStep): Promise<string> {
  return checkSupportCode(deps, step, 'callback/code', async (clientName) =>
    askCallbackNumber(deps, clientName, await callerPhone(deps, step)),
  );
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
  if (!phone) return callbackNumberAgain(deps, refused, attempt(step));
  const call = await callOf(deps, step);
  const { callback, position } = await queueCallback(deps.callbacks, {
    clientId: call?.clientId,
    contactId: call?.contactId,
    phone,
    callSid: step.callSid,
    reason: 'Requested by phone',
  });
  await recordOutcome(deps, step, 'callback_queued');
  return callbackBooked(deps, callback.dueAt, position, deps.clock.now());
}
