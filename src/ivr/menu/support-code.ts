import { clientBySupportCode } from '../../clients/index.js';
import {
  MAX_TRIES,
  attempt,
  askForRecording,
  voiceUrl,
  type CallStep,
  type IvrDeps,
  type TwimlDeps,
} from '../context.js';
import { callOf, changeCall, noteOnCall } from '../store.js';
import { gather } from '../twiml.js';

/** The support code, for a callback (path `callback/code`) or to find a ticket (`ticket/code`), then #. */
export function askSupportCode(deps: TwimlDeps, path: string, tryNo: number, before: string[]): string {
  const key = path.startsWith('ticket') ? 'ticket_code' : 'callback_code';
  return gather(deps.speech, {
    before,
    prompts: [deps.speech.say(key)],
    action: voiceUrl(deps, path, { try: tryNo }),
    mode: 'digits',
  });
}

/**
 * A support code typed for a callback (2) or to find a ticket (3): the call is now the client's (and the
 * contact's, when the caller ID is one of theirs). Three tries, then a message instead.
 */
export async function checkSupportCode(
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
