import { voiceUrl, askForRecording, type CallStep, type IvrDeps, type TwimlDeps } from '../context.js';
import { noteOnCall, recordOutcome } from '../store.js';
import { dial, gather, sayAndHangUp } from '../twiml.js';
import { askCallbackCode } from './callback.js';

/** 1, in business hours: ring the helpdesk's numbers (else the office staff); with nobody to ring, a message. */
export function helpdesk(deps: TwimlDeps): string {
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

/** Nobody at the helpdesk answered: 2 for a callback, anything else (or nothing) for a message. */
export function helpdeskMissedOffer(deps: TwimlDeps): string {
  return gather(deps.speech, {
    prompts: [deps.speech.say('helpdesk_missed')],
    action: voiceUrl(deps, 'helpdesk-missed'),
    mode: 'key',
  });
}

/** After ringing the helpdesk: answered and finished, or nobody free (offer a callback or a message). */
export async function helpdeskDone(deps: IvrDeps, step: CallStep): Promise<string> {
  if (step.form.DialCallStatus === 'completed') {
    await recordOutcome(deps, step, 'transferred');
    return sayAndHangUp(deps.speech, []);
  }
  return helpdeskMissedOffer(deps);
}

export async function helpdeskMissed(deps: IvrDeps, step: CallStep): Promise<string> {
  if (step.digits.startsWith('2')) {
    await noteOnCall(deps, step, '2');
    return askCallbackCode(deps);
  }
  await noteOnCall(deps, step, 'voicemail');
  return askForRecording(deps, 'general', 1, []);
}
