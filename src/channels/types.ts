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
}

export interface ChatPost {
  text: string;
  blocks?: unknown[];
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
}

export interface Voice {
  readonly live: boolean;
  call(call: OutboundCall): Promise<Sent>;
  /** Recordings made since an instant, newest first (for voicemails taken while the service was down). */
  recordingsSince(since: Date): Promise<RecordingSummary[]>;
  /** Who placed a call (its From number), for recordings found without a webhook. */
  callerOf(callSid: string): Promise<string | undefined>;
  /** The audio of a recording, fetched with the account's credentials. */
  recordingAudio(recordingSid: string): Promise<{ contentType: string; body: ReadableStream<Uint8Array> | null; status: number }>;
}

export interface Mail {
  readonly live: boolean;
  send(email: Email): Promise<Sent>;
}

export interface Chat {
  readonly live: boolean;
  post(post: ChatPost): Promise<Sent>;
  update(ts: string, post: ChatPost): Promise<void>;
}

export interface Channels {
  sms: Sms;
  voice: Voice;
  mail: Mail;
  chat: Chat;
}

/** A provider's refusal, classified so the outbox knows whether trying again can help. */
export class DeliveryError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
    readonly code?: string | number,
  ) {
    super(message);
    this.name = 'DeliveryError';
  }
}
