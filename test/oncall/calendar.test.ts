import { saveAccount } from '../../src/auth/index.js';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { tickets } from '../../src/db/schema.js';
import { tellHandoffs } from '../../src/tickets/index.js';
import { emergencyFromUnknown } from '../support/phone.js';
import { auth, signedIn, testApp } from '../support/app.js';
import { organisationFrom } from '../support/organisation.js';
import { pagingHarness } from '../support/paging.js';

type Event = { uid: string; start: string; end: string; summary: string; description: string };

/** The events of an iCalendar text, with long lines unfolded. */
function eventsOf(text: string): Event[] {
  const lines = text.replace(/\r\n[ \t]/g, '').split('\r\n');
  const events: Event[] = [];
  let e: Partial<Event> | undefined;
  for (const line of lines) {
    if (line === 'BEGIN:VEVENT') e = {};
    else if (line === 'END:VEVENT') (events.push(e as Event), (e = undefined));
    else if (e) {
      const [key, ...rest] = line.split(':');
      const value = rest.join(':');
      if (key === 'UID') e.uid = value;
      if (key === 'DTSTART') e.start = value;
      if (key === 'DTEND') e.end = value;
      if (key === 'SUMMARY') e.summary = value;
      if (key === 'DESCRIPTION') e.description = value;
    }
  }
  return events;
}

/** Makes a feed from the dashboard's on-call page, as its button does; answers the address shown. */
async function makeFeed(agent: ReturnType<typeof request.agent>, csrf: string, action: string): Promise<string> {
  const page = await agent.post(action).type('form').send({ _csrf: csrf }).expect(200);
  const url = /data-feed-url value="([^"]+)"/.exec(page.text)?.[1];
  expect(url).toMatch(/^http:\/\/localhost:\d+\/oncall\/[A-Za-z0-9_-]{32}\.ics$/);
  return new URL(url!).pathname;
}

describe('on-call calendar feeds', async () => {
  // Wednesday 4 March 2026: the clocks in Chicago go forward on Sunday 8 March.
  const h = await testApp({
    now: '2026-03-04T12:00:00Z',
    organisation: organisationFrom(undefined, (doc) => {
      doc.service_lines = [
        {
          id: 'network',
          name: 'Network operations',
          on_call: { rotation: ['ed'], shift: 'weekly', handoff: 'monday 09:00' },
        },
      ];
    }),
  });
  const erin = await signedIn(h, { email: 'erin@example.com', name: 'Erin Engineer', role: 'engineer' });

  it('gives a person their shifts for 90 days, at 09:00 Chicago time on both sides of the clock change', async () => {
    const path = await makeFeed(erin.agent, erin.csrf, '/dashboard/oncall/feed');
    const res = await request(h.app).get(path).expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/calendar/);
    const events = eventsOf(res.text);
    expect(events.length).toBeGreaterThanOrEqual(6);
    expect(events.every((e) => e.summary === 'On call: Omnipotech')).toBe(true);
    // Erin and Ed take turns weekly: every one of Erin's shifts starts and ends on a Monday at 09:00 local,
    // which is 15:00Z before the change and 14:00Z after it.
    for (const e of events) {
      const [start, end] = [e.start, e.end].map(
        (v) => new Date(v.replace(/^(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)Z$/, '$1-$2-$3T$4:$5:$6Z')),
      );
      for (const at of [start!, end!]) {
        const local = new Intl.DateTimeFormat('en-US', {
          timeZone: 'America/Chicago',
          weekday: 'short',
          hour: '2-digit',
          minute: '2-digit',
          hourCycle: 'h23',
        }).format(at);
        expect(local).toBe('Mon 09:00');
      }
      expect(end!.getTime() - start!.getTime()).toBeGreaterThanOrEqual(7 * 86_400_000 - 3_600_000);
    }
    expect(events[0]).toMatchObject({ start: '20260309T140000Z', end: '20260316T140000Z' });

    // The organisation's rotation: Ed's week runs across the change, from 09:00 CST to 09:00 CDT.
    const admin = await signedIn(h, { email: 'ada@example.com', name: 'Ada Admin', role: 'admin' });
    const rota = eventsOf(
      (
        await request(h.app)
          .get(await makeFeed(admin.agent, admin.csrf, '/dashboard/oncall/feeds/default'))
          .expect(200)
      ).text,
    );
    expect(rota.slice(0, 2)).toMatchObject([
      { start: '20260302T150000Z', end: '20260309T140000Z', summary: 'Ed Engineer on call (Omnipotech)' },
      { start: '20260309T140000Z', end: '20260316T140000Z', summary: 'Erin Engineer on call (Omnipotech)' },
    ]);
  });

  it('shows an override, and a rotated address stops working', async () => {
    const first = await makeFeed(erin.agent, erin.csrf, '/dashboard/oncall/feed');
    await request(h.app)
      .post('/api/oncall/overrides')
      .set(auth)
      .send({ staffId: 'erin', startsAt: '2026-04-14T12:00:00Z', endsAt: '2026-04-15T12:00:00Z', reason: 'swap' })
      .expect(201);
    const cover = eventsOf((await request(h.app).get(first).expect(200)).text).find(
      (e) => e.start === '20260414T120000Z',
    );
    expect(cover).toMatchObject({ end: '20260415T120000Z', description: 'Cover in place of the rotation.' });

    const second = await makeFeed(erin.agent, erin.csrf, '/dashboard/oncall/feed');
    expect(second).not.toBe(first);
    const gone = await request(h.app).get(first).expect(404);
    expect(gone.text).toBe('No such calendar.');
    await request(h.app).get(second).expect(200);
    await request(h.app).get('/oncall/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA.ics').expect(404);
    await request(h.app).get('/oncall/not-a-token').expect(404);
  });

  it('gives a service line its rota, made by someone who manages on call; others may not', async () => {
    const admin = await signedIn(h, { email: 'admin@example.com', name: 'Ada Admin', role: 'admin' });
    const path = await makeFeed(admin.agent, admin.csrf, '/dashboard/oncall/feeds/network');
    const events = eventsOf((await request(h.app).get(path).expect(200)).text);
    expect(events.length).toBeGreaterThan(0);
    expect(events.every((e) => e.summary === 'Ed Engineer on call (Network operations)')).toBe(true);
    await erin.agent.post('/dashboard/oncall/feeds/network').type('form').send({ _csrf: erin.csrf }).expect(403);
  });

  it('stops a rotation’s feed once its maker may no longer manage on call, and a person’s once they leave', async () => {
    const office = await signedIn(h, { email: 'olive@example.com', name: 'Olive Office', role: 'office' });
    const rota = await makeFeed(office.agent, office.csrf, '/dashboard/oncall/feeds/network');
    const own = await makeFeed(erin.agent, erin.csrf, '/dashboard/oncall/feed');
    await request(h.app).get(rota).expect(200);
    await saveAccount(
      h.db,
      { email: 'olive@example.com', name: 'Olive', role: 'billing', password: 'a long enough passphrase' },
      h.clock.now(),
    );
    await request(h.app).get(rota).expect(404);
    await request(h.app).get(own).expect(200);
    // The same database under an organisation file without Erin: her feed is gone with her.
    const without = await testApp({
      databaseUrl: h.url,
      now: '2026-03-04T12:00:00Z',
      organisation: organisationFrom(undefined, (doc) => {
        doc.staff = doc.staff.filter((s: { id: string }) => s.id !== 'erin');
        doc.on_call.rotation = ['ed'];
      }),
    });
    await request(without.app).get(own).expect(404);
  });
});

describe('"You are on call now" at a hand-off', () => {
  it('texts and emails whoever takes over, once, with who hands over and the open emergencies; not someone who opted out', async () => {
    // Monday 23 November 2026, 09:01 in Chicago: Ed has just taken over from Erin.
    const h = await pagingHarness({
      now: '2026-11-23T15:01:00Z',
      organisation: organisationFrom(undefined, (doc) => {
        doc.service_lines = [
          {
            id: 'network',
            name: 'Network operations',
            on_call: { rotation: ['erin', 'alan'], shift: 'weekly', handoff: 'monday 09:00' },
          },
        ];
        doc.staff.find((s: { id: string }) => s.id === 'alan').handoff_notice = false;
      }),
    });
    await emergencyFromUnknown(h.app, '+13125550901');
    const [emergency] = await h.db.q.select().from(tickets);
    for (let i = 0; i < 2; i++) await tellHandoffs(h.services.tickets);
    await h.settle();
    const texts = h.twilio.messages.filter((m) => m.body.includes('you are on call now'));
    const onCall = h.services.tickets.organisation.onCall;
    expect(onCall.rotation).toEqual(['erin', 'ed']);
    const taker = texts.map((m) => m.to);
    expect(taker).toHaveLength(1);
    const body = texts[0]!.body;
    const incoming = taker[0] === '+15550200003' ? 'Ed' : 'Erin';
    expect(body).toMatch(
      /^Omnipotech: you are on call now, until Mon 30 Nov, 09:00 CST, taking over from (Erin|Ed) Engineer\. Open emergencies: TK-\d+\.$/,
    );
    expect(body).not.toContain(`from ${incoming} Engineer`);
    expect(body).toContain(`Open emergencies: TK-${emergency!.number}.`);
    const mail = h.smtp.mails.filter((m) => m.raw.includes('Subject: [Omnipotech] You are on call now'));
    expect(mail).toHaveLength(1);
    // Alan took the network line at the same hand-off but asked for no such notice.
    expect(h.twilio.messages.some((m) => m.to === '+15550200002' && m.body.includes('on call'))).toBe(false);
  });
});
