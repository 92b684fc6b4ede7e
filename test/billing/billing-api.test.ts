import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { auth, testApp } from '../support/app.js';
import { Caller, PUBLIC_URL, TWILIO_AUTH_TOKEN } from '../support/phone.js';
import { neutralise } from '../../src/billing/index.js';

describe('billable events', async () => {
  // Tuesday 24 November 2026, 17:50 in Chicago: ten minutes before the window closes at 18:00.
  const { app, clock } = await testApp({ env: { TWILIO_AUTH_TOKEN, PUBLIC_URL }, now: '2026-11-24T23:50:00Z' });

  it('splits a call at the end of business hours and exports it as CSV that a spreadsheet opens safely', async () => {
    await request(app)
      .post('/api/clients')
      .set(auth)
      .send({
        name: '=HYPERLINK("http://evil","Acme, Inc.")',
        supportCode: '246810',
        contacts: [{ name: 'Eve', phone: '+13125550777' }],
      })
      .expect(201);
    const caller = new Caller(app, '+13125550777');
    await caller.dial();
    clock.advance(30 * 60_000);
    await caller.hangUp();

    const json = await request(app).get('/api/billing/events?from=2026-11-24&to=2026-11-24').set(auth).expect(200);
    expect(json.body).toHaveLength(1);
    expect(json.body[0]).toMatchObject({
      type: 'inbound_call',
      minutes: 30,
      ratePeriod: 'business',
      client: '=HYPERLINK("http://evil","Acme, Inc.")',
    });
    expect(json.body[0].pieces.map((p: { ratePeriod: string; minutes: number }) => [p.ratePeriod, p.minutes])).toEqual([
      ['business', 10],
      ['after_hours', 20],
    ]);

    const csv = await request(app)
      .get('/api/billing/events?from=2026-11-24&to=2026-11-24&format=csv')
      .set(auth)
      .expect(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.headers['content-disposition']).toContain('billing-2026-11-24-to-2026-11-24.csv');
    const lines = csv.text.split('\r\n');
    expect(lines[0]).toBe('type,event_id,client,ticket,start,end,minutes,rate_period');
    expect(lines[1]).toMatch(
      /^inbound_call,inbound_call:\d+,"'=HYPERLINK\(""http:\/\/evil"",""Acme, Inc\.""\)",,2026-11-24T23:50:00\.000Z,2026-11-25T00:00:00\.000Z,10,business$/,
    );
    expect(lines[2]).toMatch(/,20,after_hours$/);
  });

  it('leaves a day with nothing empty, and refuses bad dates with a clear answer', async () => {
    const none = await request(app).get('/api/billing/events?from=2026-10-01&to=2026-10-31').set(auth).expect(200);
    expect(none.body).toEqual([]);
    const bad = await request(app).get('/api/billing/events?from=2026-11-30&to=2026-11-01').set(auth).expect(400);
    expect(bad.body.error.fields).toEqual({ to: 'must not be before from' });
    const missing = await request(app).get('/api/billing/events').set(auth).expect(400);
    expect(Object.keys(missing.body.error.fields).sort()).toEqual(['from', 'to']);
  });

  it('neutralises every kind of formula opener', () => {
    expect(['=1+1', '+1312', '-2', '@SUM(A1)', '\tx', 'plain'].map(neutralise)).toEqual([
      "'=1+1",
      "'+1312",
      "'-2",
      "'@SUM(A1)",
      "'\tx",
      'plain',
    ]);
  });
});
