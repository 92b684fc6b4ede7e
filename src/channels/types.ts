/** The ways Switchboard reaches people; one source of truth for the outbox, renderers and senders. */
export const CHANNELS = ['sms', 'email', 'slack', 'voice'] as const;
export type Channel = (typeof CHANNELS)[number];

export interface Sent {
  /** The provider's id: Twilio MessageSid or CallSid, SMTP Message-ID, Slack ts. */
  providerId: string;
}

export interface SmsMessage {
  to: string;
  body: string;
  statusCallback?: string;
}

export interface OutboundCall {
  to: string;
  /** The number the call comes from (default: the helpdesk number). */
  from?: string;
  /** Keys Twilio presses once the call connects ("w" waits half a second). */
  sendDigits?: string;
  /** Where Twilio fetches the call's TwiML when it is answered. */
  url: string;
  statusCallback?: string;
  /** Ask Twilio to detect answering machines (a machine never acknowledges a page). */
  detectMachine?: boolean;
}

export interface Email {
  to: string;
  subject: string;
  text: string;
  html?: string;
  attachments?: { filename: string; content: string; contentType: string }[];
  /** Threading, for the requester's conversation: this message's id and the ones it answers (no angle brackets). */
  messageId?: string;
  inReplyTo?: string;
  references?: string[];
  /** Written by no person (RFC 3834): an answer to a message (`auto-replied`) or a notice of our own (`auto-generated`). */
  automatic?: 'auto-replied' | 'auto-generated';
}

export interface ChatPost {
  /** A channel of its own (a service line's); default the organisation's SLACK_CHANNEL. */
  channel?: string;
  text: string;
  blocks?: unknown[];
  /** Carried in the post's metadata, so a post whose outcome is unknown can be found again. */
  reference?: string;
}

/** What settling an unknown outcome asks a provider: did something go to `to` since `since`? */
export interface SentQuery {
  to: string;
  since: Date;
}

export interface RecordingSummary {
  sid: string;
  callSid: string;
  durationSeconds: number;
  createdAt: Date;
  /** The recording's REST URL (append .mp3 for audio). */
  url: string;
}

export interface Sms {
  readonly live: boolean;
  send(message: SmsMessage): Promise<Sent>;
  /** Texts with exactly this body the account sent to `to` since `since` (newest first): did Twilio take it? */
  findSent(query: SentQuery & { body: string }): Promise<Sent[]>;
}

/** A speech service that writes down recordings (Twilio's Conversational Intelligence), when one is configured. */
export interface Transcripts {
  /** Asks for a transcript of a recording; answers the transcript's id. */
  request(recordingSid: string): Promise<string>;
  /** Where a transcript stands, with its words once it is done. */
  read(transcriptId: string): Promise<{ status: 'pending' | 'done' | 'failed'; text?: string }>;
}

export interface Voice {
  readonly live: boolean;
  /** Transcripts in the organisation's language, when a speech service is configured. */
  readonly transcripts?: Transcripts;
  call(call: OutboundCall): Promise<Sent>;
  /** Calls the account placed to `to` since `since` (newest first): did Twilio take the request? */
  findCalls(query: SentQuery): Promise<Sent[]>;
  /** Recordings made since an instant, newest first (for voicemails taken while the service was down). */
  recordingsSince(since: Date): Promise<RecordingSummary[]>;
  /** Who placed a call (its From number), for recordings found without a webhook. */
  callerOf(callSid: string): Promise<string | undefined>;
  /** The audio of a recording, fetched with the account's credentials; `signal` cancels the download. */
  recordingAudio(
    recordingSid: string,
    signal?: AbortSignal,
  ): Promise<{ contentType: string; body: ReadableStream<Uint8Array> | null; status: number }>;
}

export interface Mail {
  readonly live: boolean;
  send(email: Email): Promise<Sent>;
}

export interface Chat {
  readonly live: boolean;
  post(post: ChatPost): Promise<Sent>;
  /** The post carrying `reference` in its metadata, if it reached the channel since `since`. */
  findPost(query: { reference: string; since: Date; channel?: string }): Promise<Sent | undefined>;
}

export interface Channels {
  sms: Sms;
  voice: Voice;
  mail: Mail;
  chat: Chat;
}

/**
 * What a failed hand-over means: `retry` (the provider refused it for now: send again later),
 * `permanent` (no retry can help), `unknown` (no answer: it may have been taken; settle before resending).
 */
export const FAILURE_KINDS = ['retry', 'permanent', 'unknown'] as const;
export type FailureKind = (typeof FAILURE_KINDS)[number];

/** A provider's refusal or silence, classified so the outbox knows what to do next. */
export class DeliveryError extends Error {
  constructor(
    message: string,
    readonly kind: FailureKind,
    readonly code?: string | number,
  ) {
    super(message);
    this.name = 'DeliveryError';
  }
}
