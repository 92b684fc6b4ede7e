import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import { auditLog, outbox } from '../../src/db/schema.js';
import { openSqlite } from '../../src/db/index.js';
import { onSqlite } from '../support/db.js';
import { auth, testApp } from '../support/app.js';
import { organisationFrom } from '../support/organisation.js';
import { pagingHarness } from '../support/paging.js';
import { Caller, emergencyFromUnknown, PUBLIC_URL, TWILIO_AUTH_TOKEN, twilioPost } from '../support/phone.js';
import { seedClients } from '../support/seed.js';

async function voicemail(app: ConstructorParameters<typeof Caller>[0], from: string) {
  await emergencyFromUnknown(app, from, 20);
  const [ticket] = (await request(app).get('/api/tickets').set(auth).expect(200)).body;
  const detail = (await request(app).get(`/api/tickets/${ticket.number}`).set(auth).expect(200)).body;
  return { ticket, link: detail.voicemails[0].link as string };
}

describe.skipIf(!onSqlite)('the database file', async () => {
  it('is created readable by this user only, in a folder only this user can enter', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'switchboard-modes-'));
    const path = join(dir, 'data', 'switchboard.db');
    const db = openSqlite(path);
    await db.migrate();
    expect(statSync(join(dir, 'data')).mode & 0o777).toBe(0o700);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(statSync(`${path}-wal`).mode & 0o777).toBe(0o600);
    await db.close();
  });
});

describe('links and the audit trail', async () => {
  it('signs links with LINK_SECRET when it is set, so every instance and every restart accepts them', async () => {
    const secret = 'a-link-secret-of-at-least-thirty-two-characters';
    const env = { PUBLIC_URL, TWILIO_AUTH_TOKEN, LINK_SECRET: secret };
    const first = await testApp({ env });
    const { link } = await voicemail(first.app, '+13125551501');
    const second = await testApp({ env }); // another database, the same secret
    await voicemail(second.app, '+13125551502');
    const path = link.slice(PUBLIC_URL.length);
    expect((await request(second.app).get(path)).status).not.toBe(403);
    const own = await testApp({ env: { PUBLIC_URL, TWILIO_AUTH_TOKEN } }); // a secret of its own
    await voicemail(own.app, '+13125551503');
    await request(own.app).get(path).expect(403);
    expect((await testApp({ env })).services.linkSecret).toBe(secret);
  });

  it('records every use of a voicemail link, and every refused one, with the address it came from', async () => {
    const { app, db } = await testApp({ env: { PUBLIC_URL, TWILIO_AUTH_TOKEN, CLIENT_IP_HEADER: 'x-client-ip' } });
    const { link } = await voicemail(app, '+13125551504');
    const path = link.slice(PUBLIC_URL.length);
    const heard = await request(app).get(path).set('x-client-ip', '203.0.113.9');
    expect(heard.headers['cache-control']).toContain('no-store');
    await request(app).get(path.replace(/t=\d+/, 't=999')).set('x-client-ip', '198.51.100.7').expect(403);
    const trail = (await db.q.select().from(auditLog).orderBy(auditLog.id)).map((a) => [a.action, a.ip]);
    expect(trail).toEqual([
      ['voicemail_link_used', '203.0.113.9'],
      ['link_refused', '198.51.100.7'],
    ]);
  });
});

describe('helmet’s headers', async () => {
  it('are on every route: health, API, webhooks (the incoming-call fast path too) and link pages', async () => {
    const { app } = await testApp({ env: { PUBLIC_URL, TWILIO_AUTH_TOKEN } });
    const { ticket } = await voicemail(app, '+13125551505');
    const answers = [
      await request(app).get('/healthz'),
      await request(app).get(`/api/tickets/${ticket.number}`).set(auth),
      await new Caller(app, '+13125551506').dial().then(() => request(app).get('/ack/1/ed?t=bad')),
    ];
    for (const res of answers) {
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['content-security-policy']).toContain("default-src 'self'");
      expect(res.headers['strict-transport-security']).toContain('max-age=');
    }
    const fast = await request(app).post('/twilio/voice').type('form').send({ CallSid: 'CA1' });
    expect(fast.status).toBe(403);
    expect(fast.headers['x-frame-options']).toBe('SAMEORIGIN');
  });
});

describe('callback numbers', async () => {
  const { app } = await testApp({ env: { PUBLIC_URL, TWILIO_AUTH_TOKEN }, now: '2026-11-24T04:00:00Z' });
  beforeAll(() => seedClients(app));

  it('are limited to the organisation’s country and never premium-rate, by API and by phone', async () => {
    const foreign = await request(app).post('/api/callbacks').set(auth).send({ phone: '+442071838750' }).expect(400);
    expect(foreign.body.error).toMatchObject({
      code: 'number_not_allowed',
      fields: { phone: 'must be a number in US' },
    });
    await request(app).post('/api/callbacks').set(auth).send({ phone: '+19005551234' }).expect(400);
    await request(app).post('/api/callbacks').set(auth).send({ phone: '+13125551507' }).expect(201);

    const caller = new Caller(app, '+13125551508');
    await caller.dial();
    await caller.press('2');
    await caller.press('482913');
    await caller.press('011442071838750'); // another number, in London
    expect(caller.heard).toContain('Sorry, we can only call you back on a number in our own country.');
    await caller.press('9005551234'); // a premium-rate line
    expect(caller.heard).toContain('Sorry, we can only call you back on a number in our own country.');
  });

  it('may include other countries the organisation file names', async () => {
    const org = organisationFrom(undefined, (doc) => (doc.callback_countries = ['US', 'GB']));
    const { app: wider } = await testApp({ env: { PUBLIC_URL, TWILIO_AUTH_TOKEN }, organisation: org });
    await request(wider).post('/api/callbacks').set(auth).send({ phone: '+442071838750' }).expect(201);
  });
});

describe('what staff see of an emergency', async () => {
  it('escapes client names posted to Slack, and tells a transcription follow-up from a page on the timeline', async () => {
    const h = await pagingHarness();
    const client = await request(h.app)
      .post('/api/clients')
      .set(auth)
      .send({
        name: '<!channel> Tools & <Co>',
        supportCode: '551122',
        contacts: [{ name: 'Pat', phone: '+13125551509' }],
      })
      .expect(201);
    const caller = new Caller(h.app, '+13125551509');
    await caller.dial();
    await caller.press('5');
    const { sid } = await caller.leaveVoicemail(20);
    await h.settle();
    const post = h.slack.calls.find((c) => c.method === 'chat.postMessage')!;
    expect(String(post.body.text)).toContain('&lt;!channel&gt; Tools &amp; &lt;Co&gt; (Pat)');
    expect(String(post.body.text)).not.toContain('<!channel>');
    expect(client.body.name).toBe('<!channel> Tools & <Co>');

    await twilioPost(h.app, '/twilio/voice/transcription', {
      RecordingSid: sid,
      TranscriptionText: 'The printer is on fire',
      TranscriptionStatus: 'completed',
    }).expect(200);
    await h.settle();
    const [ticket] = (await request(h.app).get('/api/tickets').set(auth).expect(200)).body;
    const types = (await request(h.app).get(`/api/tickets/${ticket.number}`).set(auth).expect(200)).body.timeline.map(
      (e: { type: string }) => e.type,
    );
    expect(types.filter((t: string) => t === 'paged')).toHaveLength(5);
    expect(types.filter((t: string) => t === 'transcription_sent')).toHaveLength(4);
    expect((await h.db.q.select().from(outbox)).filter((r) => r.payload?.followUp === 'transcription')).toHaveLength(4);
  });
});
