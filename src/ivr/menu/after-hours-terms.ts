import { ratePeriodAt } from '../../calendar/index.js';
import { queueCallback } from '../../callbacks/index.js';
import { mayDial } from '../../config/index.js';
import { MAX_TRIES, attempt, voiceUrl, type CallStep, type IvrDeps, type TwimlDeps } from '../context.js';
import { callOf, changeCall, noteOnCall, recordOutcome } from '../store.js';
import { gather, sayAndHangUp } from '../twiml.js';
import { askCallbackNumber, spokenWhen } from './callback.js';
import { contractOf } from './contract.js';
import { lineThenRecording } from './service-line.js';

/**
 * Once the caller is identified (or is not), outside business hours the contract's terms first: a level
 * that bills after-hours emergencies says so; one that does not include them asks whether to go ahead at
 * the after-hours rate (1, the caller's consent) or be called back in the next window (2). Then the line,
 * then the voicemail.
 */
export async function beforeRecording(
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

/** The contract does not include after-hours emergencies: 1 to go ahead at the after-hours rate, 2 for a callback. */
export function askTerms(deps: TwimlDeps, tryNo: number, before: string[]): string {
  return gather(deps.speech, {
    before,
    prompts: [deps.speech.say('after_hours_not_included')],
    action: voiceUrl(deps, 'emergency/terms', { try: tryNo }),
    mode: 'key',
  });
}

/** The callback instead of the emergency is queued: when it comes, and goodbye. */
export function termsCallbackBooked(deps: TwimlDeps, dueAt: Date): string {
  return sayAndHangUp(deps.speech, [deps.speech.say('after_hours_callback', { when: spokenWhen(deps, dueAt) })]);
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
    await noteOnCall(deps, step, '2');
    // No number to call back: the callback path asks for one.
    if (!phone) return askCallbackNumber(deps, '', undefined);
    const { callback } = await queueCallback(deps.callbacks, {
      clientId: call?.clientId,
      contactId: call?.contactId,
      phone,
      callSid: step.callSid,
      reason: 'After-hours emergency not included in the contract: call back when the office opens',
    });
    await recordOutcome(deps, step, 'callback_queued');
    return termsCallbackBooked(deps, callback.dueAt);
  }
  const tryNo = attempt(step);
  const why = s.say(key ? 'invalid_choice' : 'no_choice');
  if (tryNo >= MAX_TRIES) return lineThenRecording(deps, step, (await contractOf(deps, call?.clientId)).lines, [why]);
  return askTerms(deps, tryNo + 1, [why]);
}
