import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { calls } from '../../src/db/schema.js';
import { checkLineTest, LINE_TEST_WAIT_MS, runDailyLineTest, startLineTest } from '../../src/ivr/index.js';
import { auth } from '../support/app.js';
import { organisationFrom } from '../support/organisation.js';
import { pagingHarness } from '../support/paging.js';
import { twilioPost } from '../support/phone.js';
import { parseTwiml, spoken } from '../support/twiml.js';

const TEST_NUMBER = '+15550209999';
const HELPDESK = '+12817684800';
const ALAN = '+15550200002';

describe('the daily test of the emergency line', async () => {
  const h = await pagingHarness({
    organisation: organisationFrom(undefined, (doc) => {
      doc.self_test = { at: '07:00', from: TEST_NUMBER };
    }),
  });
  const deps = { ...h.services.tickets, voice: h.channels.voice };
  const health = async () => (await request(h.app).get('/healthz').set(auth)).body;

  it('calls the helpdesk from the test number, walks to the menu, and counts the line as working when its own webhook sees the call', async () => {
    const started = await startLineTest(deps, 'Olive Office');
    expect(started.ok && started.value.status).toBe('calling');
    const placed = h.twilio.calls.at(-1)!;
    expect(placed).toMatchObject({ to: HELPDESK, from: TEST_NUMBER, sendDigits: 'wwwwwwww9' });
    expect(placed.url).toMatch(/\/twilio\/voice\/line-test-leg\?test=[0-9a-f]+$/);
    // The stand-in Twilio connects the call to the helpdesk number's Voice URL, then the keys reach the menu.
    const leg = await twilioPost(h.app, placed.url, { CallSid: placed.sid }).expect(200);
    expect(parseTwiml(leg.text).map((v) => v.verb)).toEqual(['Pause', 'Hangup']);
    const incoming = { CallSid: 'CA00000000000000000000000000linetest', From: TEST_NUMBER, To: HELPDESK };
    const greeting = await twilioPost(h.app, '/twilio/voice', incoming).expect(200);
    expect(spoken(parseTwiml(greeting.text))).toContain('Thank you for calling Omnipotech.');
    const menu = await twilioPost(h.app, '/twilio/voice/menu?try=1', { ...incoming, Digits: '9' }).expect(200);
    expect(spoken(parseTwiml(menu.text))).toBe('Line test received. Goodbye.');
    expect((await health()).lineTest).toMatchObject({ status: 'seen' });
    // Never in the after-hours log or billing: no call row.
    expect((await h.db.q.select().from(calls)).filter((c) => c.fromNumber === TEST_NUMBER)).toHaveLength(0);
    h.clock.advance(3 * 60_000);
    expect(await checkLineTest(deps)).toBeUndefined();
  });

  it('is passed only by the call it placed: a stray request from the test number changes nothing', async () => {
    const started = await startLineTest(deps, 'Olive Office');
    expect(started.ok && started.value.status).toBe('calling');
    const placed = h.twilio.calls.at(-1)!;
    const stray = { CallSid: 'CA00000000000000000000000000000stray', From: TEST_NUMBER, To: HELPDESK };
    await twilioPost(h.app, '/twilio/voice', stray).expect(200);
    await twilioPost(h.app, '/twilio/voice/menu?try=1', { ...stray, Digits: '9' }).expect(200);
    // Twilio's request for the test leg's TwiML, but for another call.
    await twilioPost(h.app, placed.url, { CallSid: 'CA0000000000000000000000000000other' }).expect(200);
    expect((await health()).lineTest).toMatchObject({ status: 'calling' });
    h.clock.advance(LINE_TEST_WAIT_MS + 1000);
    expect(await checkLineTest(deps)).toMatchObject({ status: 'failed' });
    // Nor does a late request from the number turn a failed test into a passed one.
    await twilioPost(h.app, '/twilio/voice', stray).expect(200);
    await twilioPost(h.app, placed.url, { CallSid: placed.sid }).expect(200);
    expect((await health()).lineTest).toMatchObject({ status: 'failed' });
  });

  it('pages the architects and fails /healthz when the call never reaches the service', async () => {
    h.twilio.messages.length = 0; // the test above failed one too
    await startLineTest(deps, 'the daily test');
    h.clock.advance(60_000);
    expect(await checkLineTest(deps)).toBeUndefined(); // still within the two minutes
    h.clock.advance(61_000);
    const failed = await checkLineTest(deps);
    expect(failed).toMatchObject({
      status: 'failed',
      why: 'the incoming-call webhook did not see it within 2 minutes',
    });
    expect(await checkLineTest(deps)).toBeUndefined(); // paged once
    await h.settle();
    const texts = h.twilio.messages.filter((m) => m.to === ALAN && m.body.includes('not reaching Switchboard'));
    expect(texts).toHaveLength(1);
    expect(
      h.smtp.mails.some(
        (m) => m.to.includes('alan@example.com') && m.raw.includes('The helpdesk line is not reaching Switchboard'),
      ),
    ).toBe(true);
    expect(h.slack.calls.some((c) => String(c.body.text).includes('is not reaching Switchboard'))).toBe(true);
    const res = await request(h.app).get('/healthz').expect(503);
    expect(res.body.problems).toEqual([expect.stringContaining('the helpdesk line is not reaching Switchboard')]);
  });

  it('fails at once when Twilio refuses to place the call', async () => {
    h.twilio.failWith = (kind, to) =>
      kind === 'call' && to === HELPDESK ? { status: 401, code: 20003, message: 'Authenticate' } : undefined;
    const started = await startLineTest(deps, 'Olive Office');
    h.twilio.failWith = undefined;
    expect(started.ok && started.value).toMatchObject({ status: 'failed' });
    expect(started.ok && started.value.why).toContain('Twilio did not place the test call');
  });

  it('starts the day’s test once self_test.at has passed, and once only, whenever the service is running then', async () => {
    h.clock.set('2026-11-25T12:59:00Z'); // 06:59 in Chicago
    expect(await runDailyLineTest(deps)).toBeUndefined();
    h.clock.set('2026-11-25T15:30:00Z'); // 09:30: the service was down at 07:00
    const started = await runDailyLineTest(deps);
    expect(started).toMatchObject({ status: 'calling', by: 'the daily test' });
    expect(h.twilio.calls.at(-1)).toMatchObject({ to: HELPDESK, from: TEST_NUMBER });
    h.clock.advance(60_000);
    expect(await runDailyLineTest(deps)).toBeUndefined();
  });
});

describe('a test number that is also a client’s phone', async () => {
  const h = await pagingHarness({
    organisation: organisationFrom(undefined, (doc) => {
      doc.self_test = { at: '07:00', from: TEST_NUMBER };
    }),
  });
  const deps = { ...h.services.tickets, voice: h.channels.voice };

  it('is refused when the test starts, naming the field and the client, and no call is placed', async () => {
    await request(h.app)
      .post('/api/clients')
      .set(auth)
      .send({ name: 'Acme Dental', supportCode: '482913', contacts: [{ name: 'Dana', phone: TEST_NUMBER }] })
      .expect(201);
    const started = await startLineTest(deps, 'Olive Office');
    expect(started.ok && started.value).toMatchObject({ status: 'failed' });
    expect(started.ok && started.value.why).toBe(
      'self_test.from +15550209999 is also the phone of Dana at Acme Dental: calls from it would be taken for test calls',
    );
    expect(h.twilio.calls).toEqual([]);
    h.clock.advance(1_100); // one look at the database serves /healthz for a second
    expect((await request(h.app).get('/healthz').set(auth).expect(503)).body.problems).toEqual([
      expect.stringContaining('self_test.from +15550209999 is also the phone of Dana at Acme Dental'),
    ]);
  });
});
