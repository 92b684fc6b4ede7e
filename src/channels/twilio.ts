import { createRequire } from 'node:module';
import type Twilio from 'twilio';
import { DeliveryError, type RecordingSummary, type Sent, type Sms, type Transcripts, type Voice } from './types.js';

export interface TwilioSettings {
  accountSid: string;
  authToken: string;
  /** The helpdesk number: calls come from it, and texts too unless a Messaging Service sends them. */
  from: string;
  /** Texts go out through this Messaging Service, from a number of its pool that Twilio picks. */
  messagingServiceSid?: string;
  /** Voicemails are transcribed by this Conversational Intelligence service (its language is set in Twilio). */
  intelligenceServiceSid?: string;
  /** Replaces https://api.twilio.com (local simulators, tests). */
  apiUrl?: string;
  /** How long one REST request may take, in ms. */
  timeoutMs: number;
}

/** Twilio errors that no retry can fix: opted out (21610), invalid number (21211), landline (30006)... */
const PERMANENT_CODES = new Set([21211, 21214, 21217, 21401, 21407, 21408, 21610, 21612, 21614, 30006, 30007]);
/** Answers that say the request was not processed: try again later. */
const NOT_PROCESSED = new Set([429, 503]);

/**
 * A refusal Twilio explained is a retry or a permanent failure; no answer at all (a timeout, a dropped
 * connection) or a gateway error may mean Twilio took the request, so its outcome is unknown.
 */
export function classifyTwilioError(err: unknown): DeliveryError {
  const e = err as { status?: number; code?: number | string; message?: string };
  const status = typeof e.status === 'number' ? e.status : undefined;
  const code = typeof e.code === 'number' ? e.code : undefined;
  const message = `Twilio${code ? ` ${code}` : ''}${status ? ` (HTTP ${status})` : ''}: ${e.message ?? String(err)}`;
  if (code !== undefined && PERMANENT_CODES.has(code)) return new DeliveryError(message, 'permanent', code);
  if (status === undefined)
    return new DeliveryError(message, 'unknown', typeof e.code === 'string' ? e.code : undefined);
  if (NOT_PROCESSED.has(status) || code === 30003) return new DeliveryError(message, 'retry', code ?? status);
  if (status >= 500) return new DeliveryError(message, 'unknown', code ?? status);
  return new DeliveryError(message, 'permanent', code ?? status);
}

/** A minute of slack either side: the attempt's clock and Twilio's need not agree to the second. */
const CLOCK_SLACK_MS = 60_000;
const since = (at: Date) => at.getTime() - CLOCK_SLACK_MS;

export function twilioChannels(settings: TwilioSettings): { sms: Sms; voice: Voice } {
  // The REST client is loaded only when Twilio is configured (it is most of the SDK's memory).
  const twilio = createRequire(import.meta.url)('twilio') as typeof Twilio;
  const client = twilio(settings.accountSid, settings.authToken, { autoRetry: false, timeout: settings.timeoutMs });
  const base = (settings.apiUrl ?? 'https://api.twilio.com').replace(/\/+$/, '');
  if (settings.apiUrl) {
    client.api.baseUrl = base;
    client.intelligence.baseUrl = base;
  }
  const auth = `Basic ${Buffer.from(`${settings.accountSid}:${settings.authToken}`).toString('base64')}`;
  const guarded = async <T>(call: () => Promise<T>): Promise<T> => {
    try {
      return await call();
    } catch (err) {
      throw classifyTwilioError(err);
    }
  };

  return {
    sms: {
      live: true,
      send: (m) =>
        guarded(async () => ({
          providerId: (
            await client.messages.create({
              to: m.to,
              ...(settings.messagingServiceSid
                ? { messagingServiceSid: settings.messagingServiceSid }
                : { from: settings.from }),
              body: m.body,
              statusCallback: m.statusCallback,
            })
          ).sid,
        })),
      // No date filter: Twilio's DateSent filters whole days and a queued text has no date_sent yet. With a
      // Messaging Service the From is whichever pool number Twilio picked, so only To is asked for, and the
      // text is known as ours by its service (or, sent before the service was set, the helpdesk number).
      findSent: (q) =>
        guarded(async () => {
          const service = settings.messagingServiceSid;
          const listed = await client.messages.list({
            to: q.to,
            ...(service ? {} : { from: settings.from }),
            limit: 50,
          });
          return listed
            .filter((m) => !service || m.messagingServiceSid === service || m.from === settings.from)
            .filter((m) => m.dateCreated.getTime() >= since(q.since) && m.body.trim() === q.body.trim())
            .map((m): Sent => ({ providerId: m.sid }));
        }),
    },
    voice: {
      live: true,
      ...(settings.intelligenceServiceSid
        ? { transcripts: intelligenceTranscripts(client, settings.intelligenceServiceSid, guarded) }
        : {}),
      call: (c) =>
        guarded(async () => {
          const call = await client.calls.create({
            to: c.to,
            from: c.from ?? settings.from,
            url: c.url,
            statusCallback: c.statusCallback,
            ...(c.sendDigits ? { sendDigits: c.sendDigits } : {}),
            ...(c.detectMachine ? { machineDetection: 'Enable' } : {}),
          });
          return { providerId: call.sid };
        }),
      findCalls: (q) =>
        guarded(async () =>
          (await client.calls.list({ to: q.to, from: settings.from, limit: 20 }))
            .filter((c) => c.dateCreated.getTime() >= since(q.since))
            .map((c): Sent => ({ providerId: c.sid })),
        ),
      recordingsSince: (after) =>
        guarded(async () =>
          (await client.recordings.list({ dateCreatedAfter: after, limit: 500 })).map((r): RecordingSummary => ({
            sid: r.sid,
            callSid: r.callSid,
            durationSeconds: Number(r.duration ?? 0),
            createdAt: new Date(r.dateCreated),
            url: `${base}/2010-04-01/Accounts/${settings.accountSid}/Recordings/${r.sid}`,
          })),
        ),
      callerOf: (callSid) => guarded(async () => (await client.calls(callSid).fetch()).from ?? undefined),
      async recordingAudio(recordingSid, signal) {
        const url = `${base}/2010-04-01/Accounts/${settings.accountSid}/Recordings/${encodeURIComponent(recordingSid)}.mp3`;
        // Twilio must start answering within the request timeout; the body then streams at the viewer's
        // pace, and stops when the viewer goes away (`signal`).
        const controller = new AbortController();
        const cancel = () => controller.abort(signal?.reason);
        signal?.addEventListener('abort', cancel, { once: true });
        const timer = setTimeout(
          () => controller.abort(new Error('Twilio did not start sending the recording in time')),
          settings.timeoutMs,
        );
        try {
          const res = await fetch(url, { headers: { authorization: auth }, signal: controller.signal });
          return { status: res.status, contentType: res.headers.get('content-type') ?? 'audio/mpeg', body: res.body };
        } finally {
          clearTimeout(timer);
        }
      },
    },
  };
}

/** Still being written: Twilio's queued, new and in-progress. */
const TRANSCRIPT_PENDING = new Set(['queued', 'new', 'in-progress']);

/**
 * Transcripts by a Conversational Intelligence service: asked for by the recording's SID (kept as the
 * transcript's customer key), read back sentence by sentence once Twilio has finished.
 */
function intelligenceTranscripts(
  client: ReturnType<typeof Twilio>,
  serviceSid: string,
  guarded: <T>(call: () => Promise<T>) => Promise<T>,
): Transcripts {
  return {
    request: (recordingSid) =>
      guarded(async () => {
        const transcript = await client.intelligence.v2.transcripts.create({
          serviceSid,
          channel: { media_properties: { source_sid: recordingSid } },
          customerKey: recordingSid,
        });
        return transcript.sid;
      }),
    read: (transcriptId) =>
      guarded(async () => {
        const transcript = await client.intelligence.v2.transcripts(transcriptId).fetch();
        if (TRANSCRIPT_PENDING.has(transcript.status)) return { status: 'pending' as const };
        if (transcript.status !== 'completed') return { status: 'failed' as const };
        const sentences = await client.intelligence.v2.transcripts(transcriptId).sentences.list({ limit: 1_000 });
        const text = sentences
          .sort((a, b) => a.sentenceIndex - b.sentenceIndex)
          .map((s) => s.transcript.trim())
          .filter(Boolean)
          .join(' ');
        return { status: 'done' as const, text };
      }),
  };
}
