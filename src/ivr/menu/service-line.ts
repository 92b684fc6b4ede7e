import type { ServiceLine } from '../../config/index.js';
import { attempt, voiceUrl, type CallStep, type IvrDeps, type TwimlDeps } from '../context.js';
import { emergencyMessage } from '../live.js';
import { callOf, changeCall, noteOnCall } from '../store.js';
import { gather } from '../twiml.js';
import { contractOf } from './contract.js';

/** Which service line, when the caller's contract covers several (the only one is taken without a question), then the voicemail. */
export async function lineThenRecording(
  deps: IvrDeps,
  step: CallStep,
  lines: ServiceLine[],
  before: string[],
): Promise<string> {
  if (lines.length === 1) await changeCall(deps, step, { line: lines[0]!.id });
  if (lines.length <= 1) return emergencyMessage(deps, step, lines[0]?.id, before);
  return askLine(deps, lines, 1, before);
}

/** The lines the contract covers, each with its key: 1 for the first, 2 for the second... */
export function askLine(deps: TwimlDeps, lines: ServiceLine[], tryNo: number, before: string[]): string {
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
