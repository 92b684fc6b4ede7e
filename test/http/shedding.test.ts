import request from 'supertest';
import { afterAll, describe, expect, it } from 'vitest';
import { outbox } from '../../src/db/schema.js';
import { watchPressure } from '../../src/http/pressure.js';
import { auth, signedIn, testApp } from '../support/app.js';
import { emergencyFromUnknown, PUBLIC_URL, TWILIO_AUTH_TOKEN } from '../support/phone.js';
import { openOnPortal, portalHarness, portalSignIn } from '../support/portal.js';

/**
 * Under pressure the heavy routes step aside and what must go on goes on. The real gauge, with its heap
 * threshold at nothing, so that the service counts as pressed from the start.
 */
describe('under pressure', async () => {
  const pressures: ReturnType<typeof watchPressure>[] = [];
  const pressed = (db: { waiting(): number }) => {
    const p = watchPressure(db, { heapShare: 0 });
    pressures.push(p);
    return p;
  };
  afterAll(() => pressures.forEach((p) => p.stop()));

  it('answers the portal’s list, downloads and uploads 503 with Retry-After, and its other pages as usual', async () => {
    const calm = await portalHarness();
    const dana = await portalSignIn(calm, 'dana@acme.example');
    const number = await openOnPortal(dana, { subject: 'Printer is jammed again', line: 'software' }, [
      { name: 'jam.jpg', content: Buffer.from('jpeg') },
    ]);
    const page = await dana.agent.get(`/portal/tickets/${number}`).expect(200);
    const download = /href="(\/portal\/tickets\/\d+\/attachments\/\d+)"/.exec(page.text)![1]!;
    // The same database, served by an instance under pressure.
    const h = await testApp({
      databaseUrl: calm.url,
      organisation: calm.config.organisation,
      env: { PUBLIC_URL: 'http://helpdesk.test', TWILIO_AUTH_TOKEN },
      now: '2026-11-24T15:00:00Z',
      pressure: pressed(calm.db),
    });
    const agent = request.agent(h.app);
    const cookie = (await dana.agent.get('/portal/account')).request.cookies ?? '';
    const as = (r: request.Test) => r.set('Cookie', cookie);
    for (const path of ['/portal/tickets', download]) {
      const res = await as(agent.get(path));
      expect(res.status, path).toBe(503);
      expect(res.headers['retry-after']).toBe('10');
      expect(res.text).toContain('The service is very busy just now');
    }
    const upload = await as(agent.post(`/portal/tickets/${number}/replies`))
      .field('_csrf', dana.csrf)
      .field('body', 'More')
      .attach('attachments', Buffer.from('x'), { filename: 'x.txt' });
    expect(upload.status).toBe(503);
    expect((await as(agent.get(`/portal/tickets/${number}`))).status).toBe(200);
    expect((await as(agent.get('/portal/account'))).status).toBe(200);
  });

  it('holds back the dashboard’s ticket list while the phone, the pager and the API go on', async () => {
    // Two instances under pressure on one database: Twilio's (https, as it signs), and the staff's on plain
    // http (so the dashboard's cookies travel with supertest).
    const phone = await testApp({ env: { PUBLIC_URL, TWILIO_AUTH_TOKEN } });
    const h = await testApp({ databaseUrl: phone.url, env: { TWILIO_AUTH_TOKEN }, pressure: pressed(phone.db) });
    const twilio = await testApp({
      databaseUrl: phone.url,
      env: { PUBLIC_URL, TWILIO_AUTH_TOKEN },
      pressure: pressed(phone.db),
    });
    const staff = await signedIn(h, { email: 'erin@example.com', name: 'Erin', role: 'engineer' });
    const list = await staff.agent.get('/dashboard/tickets');
    expect(list.status).toBe(503);
    expect(list.headers['retry-after']).toBe('10');
    await emergencyFromUnknown(twilio.app, '+13125550190', 15);
    const pages = (await h.db.q.select().from(outbox)).filter((r) => r.purpose === 'page');
    expect(pages.map((p) => p.channel)).toEqual(expect.arrayContaining(['sms', 'email']));
    const [ticket] = (await request(h.app).get('/api/tickets').set(auth).expect(200)).body;
    expect((await staff.agent.get(`/dashboard/tickets/${ticket.number}`)).status).toBe(200);
    await request(h.app).get('/healthz').expect(200);
  });
});
