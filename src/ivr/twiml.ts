// The TwiML builder alone: the SDK's main module would also load its whole REST client (~20 MB).
import VoiceResponse from 'twilio/lib/twiml/VoiceResponse.js';
import MessagingResponse from 'twilio/lib/twiml/MessagingResponse.js';
import type { Speech } from './prompts.js';

type Response = InstanceType<typeof VoiceResponse>;

/** Pure TwiML renderers: each takes what the caller should hear and where Twilio goes next, and returns XML. */

function say(node: { say: Response['say'] }, speech: Speech, text: string): void {
  node.say({ voice: speech.voice as never, language: speech.language as never }, text);
}

export interface GatherSpec {
  /** Spoken while listening for keys (a key press interrupts it). */
  prompts: string[];
  /** Spoken first, before listening starts (e.g. "Sorry, that is not an option"). */
  before?: string[];
  action: string;
  /** One key for menus; otherwise digits finished by #. */
  mode: 'key' | 'digits';
  timeoutSeconds?: number;
}

/** Listens for keys. No input goes to the same action with empty Digits, so every path is decided by us. */
export function gather(speech: Speech, spec: GatherSpec): string {
  const vr = new VoiceResponse();
  for (const text of spec.before ?? []) say(vr, speech, text);
  const g = vr.gather({
    action: spec.action,
    method: 'POST',
    actionOnEmptyResult: true,
    timeout: spec.timeoutSeconds ?? (spec.mode === 'key' ? 6 : 10),
    ...(spec.mode === 'key' ? { numDigits: 1 } : { finishOnKey: '#', numDigits: 16 }),
  });
  for (const text of spec.prompts) say(g, speech, text);
  // Older Twilio behaviour without actionOnEmptyResult falls through: send it to the action too.
  vr.redirect({ method: 'POST' }, spec.action);
  return vr.toString();
}

export interface RecordSpec {
  before: string[];
  action: string;
  statusCallback: string;
  transcribeCallback?: string;
  /** Where Twilio goes when nothing was recorded (it makes no action request then). */
  nothingRecorded: string;
  maxLengthSeconds: number;
}

export function record(speech: Speech, spec: RecordSpec): string {
  const vr = new VoiceResponse();
  for (const text of spec.before) say(vr, speech, text);
  vr.record({
    action: spec.action,
    method: 'POST',
    maxLength: spec.maxLengthSeconds,
    timeout: 5,
    finishOnKey: '#',
    playBeep: true,
    trim: 'trim-silence',
    recordingStatusCallback: spec.statusCallback,
    recordingStatusCallbackMethod: 'POST',
    recordingStatusCallbackEvent: ['completed', 'absent'],
    ...(spec.transcribeCallback ? { transcribe: true, transcribeCallback: spec.transcribeCallback } : {}),
  });
  vr.redirect({ method: 'POST' }, spec.nothingRecorded);
  return vr.toString();
}

export function sayAndHangUp(speech: Speech, texts: string[]): string {
  const vr = new VoiceResponse();
  for (const text of texts) say(vr, speech, text);
  vr.hangup();
  return vr.toString();
}

export interface DialSpec {
  before: string[];
  numbers: string[];
  callerId?: string;
  timeoutSeconds: number;
  action: string;
  /** TwiML run on the answering phone before the two are connected (a whisper that asks for a key). */
  whisperUrl?: string;
}

/** Rings every number at once; the first to answer takes the call. */
export function dial(speech: Speech, spec: DialSpec): string {
  const vr = new VoiceResponse();
  for (const text of spec.before) say(vr, speech, text);
  const d = vr.dial({
    action: spec.action,
    method: 'POST',
    timeout: spec.timeoutSeconds,
    ...(spec.callerId ? { callerId: spec.callerId } : {}),
  });
  // With a whisper, Twilio's answering-machine detection runs first, so a voicemail box is hung up on
  // rather than read to (it could never press 1 anyway).
  for (const n of spec.numbers)
    d.number(spec.whisperUrl ? { url: spec.whisperUrl, method: 'POST', machineDetection: 'Enable' } : {}, n);
  return vr.toString();
}

/** Words and then nothing more: on a leg answering a <Dial>, the two parties are connected after them. */
export function sayOnly(speech: Speech, texts: string[]): string {
  const vr = new VoiceResponse();
  for (const text of texts) say(vr, speech, text);
  return vr.toString();
}

/** An empty response: nothing more to do on this call (status callbacks, transcriptions). */
export const empty = (): string => new VoiceResponse().toString();

/** A reply to an incoming SMS. */
export function smsReply(text: string): string {
  const mr = new MessagingResponse();
  mr.message(text);
  return mr.toString();
}

/** No reply to an incoming SMS (nothing is sent, nothing is paid for). */
export const noSmsReply = (): string => new MessagingResponse().toString();
