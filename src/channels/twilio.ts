import { createRequire } from 'node:module';
import type Twilio from 'twilio';
import { DeliveryError, type RecordingSummary, type Sms, type Voice } from './types.js';

export interface TwilioSettings {
  accountSid: string;
  authToken: string;
  from: string;
  /** Replaces https://api.twilio.com (local simulators, tests). */
  apiUrl?: string;
}

/** Twilio errors that no retry can fix: opted out (21610), invalid number (21211), landline (30006)... */
const PERMANENT_CODES = new Set([21211, 21214, 21217, 21401, 21407, 21408, 21610, 21612, 21614, 30006, 30007]);

export function classifyTwilioError(err: unknown): DeliveryError {
  const e = err as { status?: number; code?: number; message?: string };
  const status = typeof e.status === 'number' ? e.status : undefined;
  const code = typeof e.code === 'number' ? e.code : undefined;
  const message = `Twilio${code ? ` ${code}` : ''}${status ? ` (HTTP ${status})` : ''}: ${e.message ?? String(err)}`;
  if (code !== undefined && PERMANENT_CODES.has(code)) return new DeliveryError(message, false, code);
  if (status === undefined || status >= 500 || status === 429 || code === 30003) return new DeliveryError(message, true, code ?? status);
  return new DeliveryError(message, false, code ?? status);
}

export function twilioChannels(settings: TwilioSettings): { sms: Sms; voice: Voice } {
  // The REST client is loaded only when Twilio is configured (it is most of the SDK's memory).
  const twilio = createRequire(import.meta.url)('twilio') as typeof Twilio;
  const client = twilio(settings.accountSid, settings.authToken, { autoRetry: false });
  const base = (settings.apiUrl ?? 'https://api.twilio.com').replace(/\/+$/, '');
  if (settings.apiUrl) client.api.baseUrl = base;
  const auth = `Basic ${Buffer.from(`${settings.accountSid}:${settings.authToken}`).toString('base64')}`;

  return {
    sms: {
      live: true,
      async send(m) {
        try {
          const msg = await client.messages.create({ to: m.to, from: settings.from, body: m.body, statusCallback: m.statusCallback });
          return { providerId: msg.sid };
        } catch (err) {
          throw classifyTwilioError(err);
        }
      },
    },
    voice: {
      live: true,
      async call(c) {
        try {
          const call = await client.calls.create({
            to: c.to,
            from: settings.from,
            url: c.url,
            statusCallback: c.statusCallback,
            ...(c.detectMachine ? { machineDetection: 'Enable' } : {}),
          });
          return { providerId: call.sid };
        } catch (err) {
          throw classifyTwilioError(err);
        }
      },
      async recordingsSince(since) {
        try {
          const list = await client.recordings.list({ dateCreatedAfter: since, limit: 500 });
          return list.map(
            (r): RecordingSummary => ({
              sid: r.sid,
              callSid: r.callSid,
              durationSeconds: Number(r.duration ?? 0),
              createdAt: new Date(r.dateCreated),
              url: `${base}/2010-04-01/Accounts/${settings.accountSid}/Recordings/${r.sid}`,
            }),
          );
        } catch (err) {
          throw classifyTwilioError(err);
        }
      },
      async callerOf(callSid) {
        try {
          return (await client.calls(callSid).fetch()).from ?? undefined;
        } catch (err) {
          throw classifyTwilioError(err);
        }
      },
      async recordingAudio(recordingSid) {
        const url = `${base}/2010-04-01/Accounts/${settings.accountSid}/Recordings/${encodeURIComponent(recordingSid)}.mp3`;
        const res = await fetch(url, { headers: { authorization: auth } });
        return { status: res.status, contentType: res.headers.get('content-type') ?? 'audio/mpeg', body: res.body };
      },
    },
  };
}
