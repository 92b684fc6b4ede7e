import type { Logger } from 'pino';
import { clientById } from '../clients/index.js';
import type { Organisation, StaffMember } from '../config/index.js';
import type { BusinessCalendar, Clock } from '../calendar/index.js';
import type { Database } from '../db/index.js';
import type { Ticket, TicketDeps, VoicemailKind } from '../tickets/index.js';
import type { CallbackDeps } from '../callbacks/index.js';
import type { ClientDeps } from '../clients/index.js';
import type { AnnouncementBoard } from '../announcements/index.js';
import type { DeliveryRecorder } from '../paging/index.js';
import type { Transcripts } from '../channels/index.js';
import { spellDigits, type Speech } from './prompts.js';
import { record } from './twiml.js';

/** What every /twilio/* step is handed (by app.ts). */
export interface IvrDeps {
  db: Database;
  clock: Clock;
  log: Logger;
  organisation: Organisation;
  calendar: BusinessCalendar;
  speech: Speech;
  publicUrl: string;
  tickets: TicketDeps;
  callbacks: CallbackDeps;
  clients: ClientDeps;
  /** Known outages and planned work, read to callers after the welcome (kept in memory). */
  announcements: AnnouncementBoard;
  /** Notes a text's delivery status on its ticket's timeline. */
  recordDelivery?: DeliveryRecorder;
  /** A recording whose webhook could not be saved: reconciliation should look for it soon. */
  onUnsavedRecording?: (recordingSid: string | undefined) => void;
  /** The speech service that transcribes voicemails in the organisation's language, when one is configured. */
  transcripts?: Transcripts;
}

/** What a pure TwiML renderer reads: the words, the webhooks' base URL and the organisation file. */
export type TwimlDeps = Pick<IvrDeps, 'speech' | 'publicUrl' | 'organisation' | 'transcripts'>;

/** What Twilio tells us on every step of a call (or text), already cleaned. */
export interface CallStep {
  callSid?: string;
  from?: string;
  to?: string;
  /** Keys pressed: only 0-9, * and #, at most 32 of them. */
  digits: string;
  /** The step's own query parameters (attempt counts, the kind of recording...). */
  query: Record<string, string>;
  form: Record<string, string>;
}

/** An absolute URL of one of the voice webhooks, with plain letters-and-digits query values. */
export function voiceUrl(
  deps: Pick<IvrDeps, 'publicUrl'>,
  path: string,
  query: Record<string, string | number | undefined> = {},
): string {
  const params = Object.entries(query)
    .filter(([, v]) => v !== undefined && v !== '')
    .map(([k, v]) => `${k}=${encodeURIComponent(String(v))}`)
    .join('&');
  return `${deps.publicUrl}/twilio/voice/${path}${params ? `?${params}` : ''}`;
}

/**
 * Twilio's connection overrides: retry a callback up to three times on a connect or read timeout or a
 * 5xx (the service answers 503 when it could not save what the callback said). The fragment is not
 * sent to the service and not part of the signature.
 */
export const RETRY_ON_FAILURE = '#rc=3&rp=ct,rt,5xx';

/** A question in the menu is asked this many times at most (a wrong answer, or none, asks again). */
export const MAX_TRIES = 3;

export const attempt = (step: CallStep, name = 'try'): number => {
  const n = Number(step.query[name]);
  return Number.isInteger(n) && n >= 1 && n <= 10 ? n : 1;
};

/**
 * How a recording is asked for after a step failed: in the fault's own words (not "we did not hear a
 * message"), and marked on its URLs, so that a second failure on the same call says goodbye instead of
 * asking again.
 */
export interface AfterFault {
  prompt: string;
}

/** Asks for a voicemail of a kind; `tryNo` 2 is the second and last chance. */
export function askForRecording(
  deps: TwimlDeps,
  kind: VoicemailKind,
  tryNo: number,
  before: string[],
  ticket?: { id: number; number: number },
  fault?: AfterFault,
): string {
  const q = { kind, try: tryNo, ticket: ticket?.id, fault: fault ? 1 : undefined };
  const s = deps.speech;
  const prompt = fault
    ? fault.prompt
    : tryNo > 1
      ? s.say('record_again')
      : kind === 'emergency'
        ? s.say('emergency_record')
        : kind === 'escalation'
          ? s.say('ticket_escalated', { number: spell(ticket?.number) })
          : s.say('general_record');
  return record(s, {
    before: [...before, prompt],
    action: voiceUrl(deps, 'recorded', q),
    statusCallback: voiceUrl(deps, 'recording-status', q) + RETRY_ON_FAILURE,
    transcribeCallback: transcribeByRecord({ organisation: deps.organisation, transcribing: Boolean(deps.transcripts) })
      ? voiceUrl(deps, 'transcription') + RETRY_ON_FAILURE
      : undefined,
    nothingRecorded: voiceUrl(deps, 'no-recording', q),
    maxLengthSeconds: Math.round(deps.organisation.emergency.maxRecordingMs / 1000),
  });
}

const spell = (n: number | undefined) => (n === undefined ? '' : spellDigits(String(n)));
export { spell as spellNumber };

/** The call statuses Twilio reports for a call that is over. */
export const CALL_ENDED = ['completed', 'busy', 'failed', 'no-answer', 'canceled'];

/** A call to staff answered by an answering machine or a fax (Twilio's machine detection). */
export const answeredByMachine = (step: CallStep): boolean =>
  (step.form.AnsweredBy ?? '').startsWith('machine') || step.form.AnsweredBy === 'fax';

/** The staff member a call to staff is for (its `staff` query parameter). */
export const staffOf = (deps: IvrDeps, step: CallStep): StaffMember | undefined =>
  deps.organisation.staff.find((s) => s.id === step.query.staff);

/** The ticket's client as staff hear it on the phone: its name, or "an unidentified caller". */
export async function callerName(deps: IvrDeps, ticket: Ticket): Promise<string> {
  const client = ticket.clientId ? (await clientById(deps.db.q, ticket.clientId))?.name : undefined;
  return client ?? deps.speech.say('page_unidentified');
}

/** Twilio's <Record transcribe> writes English only, and only recordings of 2 to 120 seconds (error 13617). */
const RECORD_TRANSCRIBES_UP_TO_MS = 120_000;

/**
 * Whether a voicemail's <Record> should ask Twilio for its transcription: only with no speech service
 * configured, in an English-speaking organisation, when no recording can be longer than Twilio transcribes.
 * Never an English transcription of an Italian or Russian caller.
 */
export function transcribeByRecord(deps: { organisation: Organisation; transcribing: boolean }): boolean {
  return (
    !deps.transcribing &&
    deps.organisation.language.toLowerCase().startsWith('en') &&
    deps.organisation.emergency.maxRecordingMs <= RECORD_TRANSCRIBES_UP_TO_MS
  );
}
