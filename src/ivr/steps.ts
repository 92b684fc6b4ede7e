import type { CallStep, IvrDeps } from './context.js';
import { incomingCall } from './incoming-call.js';
import { menuChoice } from './menu.js';
import { emergencyTerms } from './menu/after-hours-terms.js';
import { callbackCode, callbackNumber } from './menu/callback.js';
import { emergencyCode } from './menu/emergency.js';
import { helpdeskDone, helpdeskMissed } from './menu/helpdesk.js';
import { emergencyLine } from './menu/service-line.js';
import { ticketCode, ticketNumber } from './menu/ticket.js';
import { callStatus, noRecording, recorded, recordingStatus, transcription } from './recordings.js';
import { transcriptReady } from './transcripts.js';
import { bridge, bridgeDone, callbackCall, callbackDone, outboundStatus, pageAck, pageCall } from './staff-calls.js';
import { incomingText, textStatus } from './texts.js';
import { liveAccept, liveDone, liveWhisper } from './live.js';
import { lineTestLeg } from './line-test.js';

/** A webhook step: what Twilio sent, one service call, and TwiML from the prompts. */
export type Step = (deps: IvrDeps, step: CallStep) => Promise<string>;

/**
 * Every /twilio/* path the service answers, at a glance: the helpdesk number's calls and texts, and the
 * calls Switchboard places to staff (the escalation's call, CALL 1042, a callback from the queue).
 */
export const STEPS: Record<string, Step> = {
  // The helpdesk number's Voice URL, and the menu.
  '/voice': incomingCall,
  '/voice/menu': menuChoice,
  '/voice/helpdesk-done': helpdeskDone,
  '/voice/helpdesk-missed': helpdeskMissed,
  '/voice/emergency/code': emergencyCode,
  '/voice/emergency/line': emergencyLine,
  '/voice/emergency/terms': emergencyTerms,
  '/voice/callback/code': callbackCode,
  '/voice/callback/number': callbackNumber,
  '/voice/ticket/code': ticketCode,
  '/voice/ticket/number': ticketNumber,
  // Recordings: the <Record> action, its status callback, the transcription, and the call's end.
  '/voice/recorded': recorded,
  '/voice/no-recording': noRecording,
  '/voice/recording-status': recordingStatus,
  '/voice/transcription': transcription,
  // The speech service's "transcript available" callback (Conversational Intelligence).
  '/voice/transcript': transcriptReady,
  '/voice/status': callStatus,
  // The daily line test's own leg: it waits on the line while its keys walk the helpdesk's menu.
  '/voice/line-test-leg': lineTestLeg,
  // Live connect: the on-call engineer's phone hears who is calling and presses 1, then the caller's dial ends.
  '/voice/live-whisper': liveWhisper,
  '/voice/live-accept': liveAccept,
  '/voice/live-done': liveDone,
  // Calls to staff.
  '/voice/page': pageCall,
  '/voice/page-ack': pageAck,
  '/voice/outbound-status': outboundStatus,
  '/voice/bridge': bridge,
  '/voice/bridge-done': bridgeDone,
  '/voice/callback': callbackCall,
  '/voice/callback-done': callbackDone,
  // The helpdesk number's Messaging URL, and the delivery status of texts sent.
  '/sms': incomingText,
  '/sms/status': textStatus,
};

/**
 * Steps whose 2xx tells Twilio the service has what it sent. If their write fails they answer 503, so
 * Twilio retries them (their URLs ask for retries), and the incoming call's 503 makes Twilio play the
 * number's fallback document, which still takes a voicemail.
 */
export const MUST_COMMIT = new Set([
  '/voice',
  '/voice/recording-status',
  '/voice/transcription',
  '/voice/status',
  '/sms/status',
]);

/** Steps that answer with a text reply rather than a call's TwiML. */
export const TEXT_STEPS = new Set(['/sms', '/sms/status']);

/** Steps of the calls Switchboard places to staff (and their legs of a customer's call): staff, not callers, hear them. */
export const STAFF_STEPS = new Set([
  '/voice/line-test-leg',
  '/voice/live-whisper',
  '/voice/live-accept',
  '/voice/page',
  '/voice/page-ack',
  '/voice/outbound-status',
  '/voice/bridge',
  '/voice/bridge-done',
  '/voice/callback',
  '/voice/callback-done',
]);
