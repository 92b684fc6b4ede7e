import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { announcements, voicemails } from '../../src/db/schema.js';
import { auth, signedIn, testApp } from '../support/app.js';
import { emergencyFromUnknown, PUBLIC_URL, TWILIO_AUTH_TOKEN, twilioPost } from '../support/phone.js';

// PostgreSQL's text cannot hold U+0000 (a statement carrying one fails), and nobody types it: it is
// taken out of everything the service is sent, on both engines alike.
const NUL = '\u0000';

describe('U+0000 in what the service is sent', async () => {
  // The dashboard's cookies are Secure on an https PUBLIC_URL, which supertest's plain http would drop.
  const h = await testApp();
  const { app } = h;
  const phone = await testApp({ env: { PUBLIC_URL, TWILIO_AUTH_TOKEN } });

  it('is taken out of API bodies', async () => {
    const client = await request(app)
      .post('/api/clients')
      .set(auth)
      .send({
        name: `Acme${NUL} Dental`,
        supportCode: '4417',
        contacts: [{ name: `Dana${NUL} Dentist`, phone: '+13125550142', email: 'dana@acme.example' }],
      });
    expect(client.status).toBe(201);
    expect(client.body.name).toBe('Acme Dental');
    expect(client.body.contacts[0].name).toBe('Dana Dentist');
    const notice = await request(app)
      .post('/api/announcements')
      .set(auth)
      .send({ text: `Email is down${NUL}.` });
    expect(notice.status).toBe(201);
    expect(notice.body.text).toBe('Email is down.');
    const callback = await request(app)
      .post('/api/callbacks')
      .set(auth)
      .send({ phone: '+13125550143', reason: `Printer${NUL} on fire` });
    expect(callback.status).toBe(201);
    expect(callback.body.reason).toBe('Printer on fire');
  });

  it('is taken out of dashboard forms, query strings and paths', async () => {
    // Typed at sign-in (kept in the audit trail as typed).
    const visitor = request.agent(app);
    const login = await visitor.get('/dashboard/login');
    const token = /name="_csrf" value="([^"]+)"/.exec(login.text)![1]!;
    const typed = await visitor
      .post('/dashboard/login')
      .type('form')
      .send({ _csrf: token, email: `olive${NUL}@example.com`, password: 'not the password at all' });
    expect(typed.status).toBe(401);
    expect(typed.text).toContain('olive@example.com');

    const { agent, csrf } = await signedIn(h, { email: 'olive@example.com', name: 'Olive Office', role: 'office' });
    const posted = await agent
      .post('/dashboard/announcements')
      .type('form')
      .send({ _csrf: csrf, text: `The VPN${NUL} is down.` });
    expect(posted.status).toBe(303);
    const texts = (await h.db.q.select().from(announcements)).map((a) => a.text);
    expect(texts).toContain('The VPN is down.');
    for (const path of [
      '/dashboard/tickets?status=open%00&client=1%00',
      '/dashboard/after-hours?from=2026-11-01%00&to=2026-11-30',
      '/ack/1%00/ed%00?t=x%00',
      '/voicemails/1%00?t=%00',
      '/api/billing/events?from=2026-11-01%00&to=2026-11-30',
    ]) {
      const res = await agent.get(path).set(auth);
      expect(res.status, path).toBeLessThan(500);
    }
  });

  it('is taken out of Twilio webhooks after their signature is checked over what Twilio sent', async () => {
    const caller = await emergencyFromUnknown(phone.app, '+13125550144');
    const [voicemail] = await phone.db.q.select().from(voicemails);
    const answer = await twilioPost(phone.app, '/twilio/voice/transcription', {
      CallSid: caller.callSid,
      RecordingSid: voicemail!.recordingSid,
      TranscriptionSid: 'TR00000000000000000000000000000001',
      TranscriptionStatus: 'completed',
      TranscriptionText: `The server room${NUL} is flooding`,
    });
    expect(answer.status).toBe(200);
    const [after] = await phone.db.q.select().from(voicemails);
    expect(after!.transcription).toBe('The server room is flooding');
  });
});
