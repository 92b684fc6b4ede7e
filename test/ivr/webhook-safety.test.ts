import request from 'supertest';
import twilio from 'twilio';
import { describe, expect, it } from 'vitest';
import { calls } from '../../src/db/schema.js';
import { testApp } from '../support/app.js';
import { PUBLIC_URL, TWILIO_AUTH_TOKEN, twilioPost } from '../support/phone.js';
import { parseTwiml } from '../support/twiml.js';

describe('Twilio webhooks refuse what Twilio did not sign', async () => {
  const { app, db } = await testApp({ env: { TWILIO_AUTH_TOKEN, PUBLIC_URL } });
  const params = { CallSid: 'CA00000000000000000000000000000001', From: '+12815550100', To: '+12817684800' };

  it('answers 403 and records nothing without a signature, or with a wrong one', async () => {
    await request(app).post('/twilio/voice').type('form').send(params).expect(403);
    await twilioPost(app, '/twilio/voice', params, 'not-the-token').expect(403);
    // Signed for another URL (the signature covers PUBLIC_URL + path).
    const forOther = twilio.getExpectedTwilioSignature(TWILIO_AUTH_TOKEN, `${PUBLIC_URL}/twilio/sms`, params);
    await request(app).post('/twilio/voice').type('form').set('X-Twilio-Signature', forOther).send(params).expect(403);
    expect(await db.q.select().from(calls)).toHaveLength(0);
  });

  it('answers a signed call with the menu and records the call', async () => {
    const res = await twilioPost(app, '/twilio/voice', params).expect(200);
    expect(res.type).toBe('text/xml');
    // The welcome is read inside the menu's <Gather>, so a key cuts it short.
    expect(parseTwiml(res.text).map((v) => v.verb)).toEqual(['Gather', 'Redirect']);
    expect(await db.q.select().from(calls)).toHaveLength(1);
  });

  it('answers the incoming call the same way ahead of Express and through it, headers included', async () => {
    const call = (n: number) => ({ ...params, CallSid: `CA0000000000000000000000000000010${n}` });
    // `/twilio/voice` is answered before Express; with a query string it goes through Express's route.
    const fast = await twilioPost(app, '/twilio/voice', call(1)).expect(200);
    const routed = await twilioPost(app, '/twilio/voice?via=express', call(2)).expect(200);
    expect(fast.text).toBe(routed.text);
    for (const header of ['x-content-type-options', 'content-security-policy', 'referrer-policy'])
      expect(fast.headers[header], header).toBe(routed.headers[header]);
    expect(fast.headers['x-content-type-options']).toBe('nosniff');
    expect(fast.headers['content-type']).toMatch(/^text\/xml/);
    const sids = (await db.q.select().from(calls)).map((c) => c.callSid);
    expect(sids).toEqual(expect.arrayContaining([call(1).CallSid, call(2).CallSid]));
  });

  it('answers 413 for a body over 64 KB', async () => {
    const big = { ...params, Junk: 'x'.repeat(70_000) };
    await twilioPost(app, '/twilio/voice', big).expect(413);
  });

  it.each([
    ['no CallSid', { From: '+12815550100' }],
    ['keys like *#*', { ...params, Digits: '*#*' }],
    ['5,000 digits', { ...params, Digits: '5'.repeat(5000) }],
    ['control characters', { ...params, Digits: '1\u0000\u0007', From: '\u0001\u0002' }],
    ['a CallSid full of quotes', { ...params, CallSid: `CA'"<>` }],
  ])('answers TwiML, never a 5xx, for %s', async (_what, form) => {
    for (const path of [
      '/twilio/voice',
      '/twilio/voice/menu?try=1',
      '/twilio/voice/recorded?kind=emergency',
      '/twilio/voice/callback/code',
      '/twilio/voice/ticket/number',
    ]) {
      const res = await twilioPost(app, path, form as Record<string, string>);
      expect(res.status, `${path} answered ${res.status}`).toBe(200);
      expect(parseTwiml(res.text)).toBeDefined();
    }
  });

  it('answers 404 for an unknown signed path, 403 for an unsigned one', async () => {
    await twilioPost(app, '/twilio/nowhere', params).expect(404);
    await request(app).post('/twilio/nowhere').type('form').send(params).expect(403);
  });
});
