import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { auth, testApp } from '../support/app.js';
import { listeningServer } from '../support/browser.js';
import { startFakeTwilio } from '../support/fake-twilio.js';
import { Caller, PUBLIC_URL } from '../support/phone.js';

const twilio = await startFakeTwilio();
const server = await listeningServer();
const { app } = await testApp({ env: { ...twilio.env, PUBLIC_URL }, realChannels: true });
server.server.on('request', app);
afterAll(async () => {
  await server.close();
  await twilio.close();
});

const AUDIO_BYTES = 256 * 1024;
let path = '';

/** Reads a streamed answer to its end: the bytes that came, and whether it broke off. */
async function download(url: string, signal?: AbortSignal): Promise<{ status: number; bytes: number; broke: boolean }> {
  const res = await fetch(url, { signal });
  let bytes = 0;
  try {
    for await (const chunk of res.body!) bytes += (chunk as Uint8Array).byteLength;
    return { status: res.status, bytes, broke: false };
  } catch {
    return { status: res.status, bytes, broke: true };
  }
}

describe('hearing a voicemail through its link', async () => {
  beforeAll(async () => {
    const caller = new Caller(app, '+13125550701');
    await caller.dial();
    await caller.press('5');
    await caller.press('');
    await caller.leaveVoicemail(20);
    const [ticket] = (await request(app).get('/api/tickets').set(auth).expect(200)).body;
    const detail = await request(app).get(`/api/tickets/${ticket.number}`).set(auth).expect(200);
    path = new URL(detail.body.voicemails[0].link).pathname + new URL(detail.body.voicemails[0].link).search;
    twilio.audio.bytes = AUDIO_BYTES;
  });

  it('ends only that download when Twilio’s stream breaks half-way, and the service goes on answering', async () => {
    twilio.fault = (kind) => (kind === 'audio' ? { mode: 'break-after', bytes: 64 * 1024 } : undefined);
    const broken = await download(`${server.url}${path}`);
    expect(broken.status).toBe(200);
    expect(broken.broke || broken.bytes < AUDIO_BYTES).toBe(true);
    twilio.fault = undefined;
    const whole = await download(`${server.url}${path}`);
    expect(whole).toEqual({ status: 200, bytes: AUDIO_BYTES, broke: false });
    await request(app).get('/healthz').expect(200);
  });

  it('cancels the download from Twilio when the listener goes away', async () => {
    twilio.fault = (kind) => (kind === 'audio' ? { mode: 'hold', bytes: 32 * 1024 } : undefined);
    const before = twilio.audioAborted;
    const listener = new AbortController();
    const res = await fetch(`${server.url}${path}`, { signal: listener.signal });
    const reader = res.body!.getReader();
    expect((await reader.read()).done).toBe(false); // some audio arrived; Twilio then stalls
    listener.abort();
    await vi.waitFor(() => expect(twilio.audioAborted).toBe(before + 1), { timeout: 3000 });
    expect(twilio.held).toBe(0);
    twilio.fault = undefined;
  });

  it('answers 502 when Twilio does not start sending in time', async () => {
    const slow = await testApp({ env: { ...twilio.env, PUBLIC_URL, TWILIO_TIMEOUT: '300ms' }, realChannels: true });
    const caller = new Caller(slow.app, '+13125550702');
    await caller.dial();
    await caller.press('5');
    await caller.press('');
    await caller.leaveVoicemail(20);
    const [ticket] = (await request(slow.app).get('/api/tickets').set(auth).expect(200)).body;
    const link = (await request(slow.app).get(`/api/tickets/${ticket.number}`).set(auth).expect(200)).body.voicemails[0]
      .link as string;
    twilio.fault = (kind) => (kind === 'audio' ? { mode: 'delay', ms: 2000 } : undefined);
    const res = await request(slow.app).get(link.slice(PUBLIC_URL.length)).expect(502);
    expect(res.text).toContain('could not be fetched from Twilio');
    twilio.fault = undefined;
  });
});
