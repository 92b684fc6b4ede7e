import { clientBySupportCode } from '../../clients/index.js';
import { voiceUrl, type CallStep, type IvrDeps, type TwimlDeps } from '../context.js';
import { callOf, changeCall, type CallRow } from '../store.js';
import { gather } from '../twiml.js';
import { beforeRecording } from './after-hours-terms.js';

/** 5: identify the caller if caller ID did not, but never hold up an emergency for it. */
export async function emergency(deps: IvrDeps, step: CallStep, call: CallRow | undefined): Promise<string> {
  if (call?.clientId) return beforeRecording(deps, step, call.clientId, []);
  return askEmergencyCode(deps);
}

/** A support code if the caller knows it, else just # (eight seconds of silence will do too). */
export function askEmergencyCode(deps: TwimlDeps): string {
  return gather(deps.speech, {
    prompts: [deps.speech.say('emergency_code')],
    action: voiceUrl(deps, 'emergency/code'),
    mode: 'digits',
    timeoutSeconds: 8,
  });
}

/** The code typed (or not): a known one makes the call its client's; an unknown one is said, and the emergency goes on. */
export async function emergencyCode(deps: IvrDeps, step: CallStep): Promise<string> {
  const client = step.digits ? await clientBySupportCode(deps.clients, step.digits) : undefined;
  if (client) await changeCall(deps, step, { clientId: client.id });
  const before = step.digits && !client ? [deps.speech.say('emergency_code_unknown')] : [];
  const call = client ? undefined : await callOf(deps, step);
  return beforeRecording(deps, step, client?.id ?? call?.clientId, before);
}
