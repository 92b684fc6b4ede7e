import request from 'supertest';
import twilio from 'twilio';
import type { App } from '../../src/app.js';
import { parseTwiml, spoken, type Verb } from './twiml.js';

export const TWILIO_AUTH_TOKEN = 'twilio-test-auth-token';
export const PUBLIC_URL = 'https://switchboard.test';

let calls = 0;

/** Signs and posts a form the way Twilio does, to a URL under PUBLIC_URL. */
export function twilioPost(app: App, url: string, params: Record<string, string>, token = TWILIO_AUTH_TOKEN) {
  // A fragment (Twilio's connection overrides, #rc=3...) is read by Twilio and never sent or signed.
  const full = (url.startsWith('http') ? url : `${PUBLIC_URL}${url}`).replace(/#.*$/, '');
  const signature = twilio.getExpectedTwilioSignature(token, full, params);
  return request(app)
    .post(full.slice(PUBLIC_URL.length))
    .type('form')
    .set('X-Twilio-Signature', signature)
    .send(params);
}

/**
 * A caller on the phone, as Twilio would drive the call: dial, then follow the TwiML's <Gather>,
 * <Record> and <Redirect> with the keys pressed and recordings made.
 */
export class Caller {
  readonly callSid = `CA${String(++calls).padStart(32, '0')}`;
  verbs: Verb[] = [];
  private recordings = 0;

  constructor(
    private readonly app: App,
    readonly from: string,
  ) {}

  /** What the caller heard from the last answer. */
  get heard(): string {
    return spoken(this.verbs);
  }

  private async follow(url: string, params: Record<string, string>): Promise<Verb[]> {
    const res = await twilioPost(this.app, url, {
      CallSid: this.callSid,
      From: this.from,
      To: '+12817684800',
      AccountSid: 'AC0000',
      ...params,
    });
    if (res.status !== 200) throw new Error(`${url} answered ${res.status}: ${res.text}`);
    this.verbs = parseTwiml(res.text);
    return this.verbs;
  }

  dial() {
    return this.follow('/twilio/voice', { CallStatus: 'ringing', Direction: 'inbound' });
  }

  private find(verb: string): Verb {
    const v = this.verbs.find((x) => x.verb === verb);
    if (!v)
      throw new Error(
        `the caller was not offered a <${verb}>; heard: ${this.heard}; verbs: ${this.verbs.map((x) => x.verb).join(',')}`,
      );
    return v;
  }

  /** Keys pressed at a <Gather> (without the finishing #, as Twilio sends them). */
  press(digits: string) {
    return this.follow(this.find('Gather').attrs.action!, { Digits: digits });
  }

  /** Nothing pressed: with actionOnEmptyResult Twilio posts the action with no digits. */
  silence() {
    return this.follow(this.find('Gather').attrs.action!, { Digits: '' });
  }

  get recordVerb(): Verb {
    return this.find('Record');
  }

  /** A recording of `seconds`: the <Record> action (and optionally its status callback too). */
  async leaveVoicemail(seconds = 12, options: { hangUp?: boolean; sid?: string } = {}) {
    const record = this.find('Record');
    const sid = options.sid ?? `RE${this.callSid.slice(-26)}${String(++this.recordings).padStart(4, '0')}`;
    const params = {
      RecordingSid: sid,
      RecordingUrl: `https://api.twilio.com/2010-04-01/Accounts/AC0000/Recordings/${sid}`,
      RecordingDuration: String(seconds),
      Digits: options.hangUp ? 'hangup' : '#',
    };
    const statusCallback = {
      url: record.attrs.recordingStatusCallback!,
      params: { ...params, RecordingStatus: 'completed', Digits: '' },
    };
    await this.follow(record.attrs.action!, params);
    return { sid, statusCallback };
  }

  /** The recording status callback Twilio sends for a recording. */
  async recordingStatus(callback: { url: string; params: Record<string, string> }) {
    const res = await twilioPost(this.app, callback.url, {
      CallSid: this.callSid,
      AccountSid: 'AC0000',
      ...callback.params,
    });
    if (res.status !== 200) throw new Error(`status callback answered ${res.status}`);
  }

  /** Nothing was recorded: Twilio skips the action and goes on to the <Redirect> after <Record>. */
  nothingRecorded() {
    return this.follow(this.find('Redirect').text, {});
  }

  /** The caller hangs up; Twilio reports the call's end to the status callback. */
  async hangUp() {
    const res = await twilioPost(this.app, '/twilio/voice/status', {
      CallSid: this.callSid,
      CallStatus: 'completed',
      CallDuration: '40',
    });
    if (res.status !== 200) throw new Error(`call status answered ${res.status}`);
  }
}

/** A caller the service does not know leaves an emergency voicemail: key 5, no support code, then the recording. */
export async function emergencyFromUnknown(app: App, from: string, seconds = 15): Promise<Caller> {
  const caller = new Caller(app, from);
  await caller.dial();
  await caller.press('5');
  await caller.press('');
  await caller.leaveVoicemail(seconds);
  return caller;
}
