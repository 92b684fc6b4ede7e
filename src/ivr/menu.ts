import { ratePeriodAt, type RatePeriod } from '../calendar/index.js';
import {
  MAX_TRIES,
  attempt,
  askForRecording,
  voiceUrl,
  type CallStep,
  type IvrDeps,
  type TwimlDeps,
} from './context.js';
import { menuPrompt } from './greeting.js';
import { isLineTestCall, lineTestSeen } from './line-test.js';
import { askCallbackCode } from './menu/callback.js';
import { emergency } from './menu/emergency.js';
import { helpdesk } from './menu/helpdesk.js';
import { askTicket } from './menu/ticket.js';
import { callOf, noteOnCall, type CallRow } from './store.js';
import { gather, sayAndHangUp } from './twiml.js';

/** What a key does: the TwiML the caller hears next (the call's row, when there is one, says who is calling). */
export type MenuAction = (deps: IvrDeps, step: CallStep, call: CallRow | undefined) => string | Promise<string>;

/** The phone tree at a glance: the key a caller presses and what it does. Each branch is a file in menu/. */
export const MENU: Record<string, MenuAction> = {
  '1': helpdesk, // ring the helpdesk (business hours only)
  '2': askCallbackCode, // a callback: the support code, then the number to call back on
  '3': askTicket, // escalate an existing ticket: the ticket number (after the support code if need be)
  '5': emergency, // an emergency, at any hour: the voicemail that pages the on-call engineer
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
  // The helpdesk (1) is there only in business hours; at other times 1 is answered like a wrong key.
  if (action && (key !== '1' || period === 'business')) {
    await noteOnCall(deps, step, key, key === '5' ? { emergency: true } : {});
    return action(deps, step, call);
  }
  if (tryNo >= MAX_TRIES) await noteOnCall(deps, step, 'voicemail');
  return menuAgain(deps, period, key, tryNo);
}

/**
 * A wrong key, none, or the helpdesk out of hours: said, and the menu again; after the caller's third try,
 * an ordinary voicemail instead.
 */
export function menuAgain(deps: TwimlDeps, period: RatePeriod, key: string, tryNo: number): string {
  const s = deps.speech;
  const why = key === '1' ? s.say('helpdesk_closed') : key ? s.say('invalid_choice') : s.say('no_choice');
  if (tryNo >= MAX_TRIES) return askForRecording(deps, 'general', 1, [why]);
  return gather(s, {
    before: [why],
    prompts: [menuPrompt(deps, period)],
    action: voiceUrl(deps, 'menu', { try: tryNo + 1 }),
    mode: 'key',
  });
}
