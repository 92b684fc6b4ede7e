import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import { calendarOf } from '../../src/calendar/index.js';
import { billableEvents, monthlyReport, reportCsv, sendMonthlySummary, syncLedger } from '../../src/billing/index.js';
import { recordVoicemail } from '../../src/tickets/index.js';
import { auth } from '../support/app.js';
import { organisationFrom } from '../support/organisation.js';
import { pagingHarness } from '../support/paging.js';
import { ACME_PHONE, seedClients } from '../support/seed.js';

// Thursday 24 December 2026, 16:30 in Chicago; the 25th is a holiday, the 26th a Saturday.
const THURSDAY_1630 = '2026-12-24T22:30:00Z';

describe('work time, the monthly report and the billing email', async () => {
  let h: Awaited<ReturnType<typeof pagingHarness>>;
  let number: number;
  let clientId: number;
  beforeAll(async () => {
    const organisation = organisationFrom(undefined, (doc) => (doc.billing = { recipients: ['billing@example.com'] }));
    h = await pagingHarness({ organisation, now: THURSDAY_1630 });
    const { acme } = await seedClients(h.app);
    clientId = acme.id;
    await request(h.app)
      .post(`/api/clients/${acme.id}/packages`)
      .set(auth)
      .send({ unit: 'hours', quantity: 10, note: '10 h block' })
      .expect(201);
    await request(h.app)
      .post(`/api/clients/${acme.id}/packages`)
      .set(auth)
      .send({ unit: 'tickets', quantity: 5 })
      .expect(201);
    const made = await recordVoicemail(h.services.tickets, {
      recordingSid: 'RE20000000000000000000000000000001',
      kind: 'general',
      durationSeconds: 30,
      callerNumber: ACME_PHONE,
      clientId: acme.id,
      contactId: acme.contacts[0].id,
      source: 'record_action',
      canAskAgain: false,
    });
    if (made.result !== 'created') throw new Error(made.result);
    number = made.ticket.number;
  });

  it('splits logged work at closing time, at midnight into a holiday, and from the holiday into the weekend', async () => {
    h.clock.set('2026-12-27T12:00:00Z');
    const log = (startedAt: string, minutes: number) =>
      request(h.app)
        .post(`/api/tickets/${number}/work`)
        .set(auth)
        .send({ staffId: 'erin', startedAt, minutes, note: 'server rebuild' });
    await log('2026-12-24T22:30:00Z', 120).expect(201); // Thu 16:30–18:30
    await log('2026-12-25T05:00:00Z', 120).expect(201); // Thu 23:00 – Fri 01:00 (holiday)
    await log('2026-12-26T05:30:00Z', 60).expect(201); //  Fri 23:30 – Sat 00:30 (weekend)
    const bad = await log('2026-12-27T11:30:00Z', 60).expect(400);
    expect(bad.body.error.message).toBe('Work cannot end in the future');

    const res = await request(h.app).get('/api/billing/events?from=2026-12-24&to=2026-12-26').set(auth).expect(200);
    const work = res.body.filter((e: { type: string }) => e.type === 'work_time');
    expect(
      work.map((e: { pieces: { ratePeriod: string; minutes: number }[] }) =>
        e.pieces.map((p) => `${p.ratePeriod} ${p.minutes}`),
      ),
    ).toEqual([
      ['business 30', 'after_hours 90'],
      ['after_hours 60', 'holiday 60'],
      ['holiday 30', 'weekend 30'],
    ]);
    expect(
      work.every((e: { client: string; ticket: string }) => e.client === 'Acme Dental' && e.ticket === `TK-${number}`),
    ).toBe(true);
  });

  it('draws logged work from the hours package and a resolved ticket from the tickets package', async () => {
    await request(h.app)
      .patch(`/api/tickets/${number}`)
      .set(auth)
      .send({ staffId: 'erin', status: 'resolved' })
      .expect(200);
    const packages = await request(h.app).get(`/api/clients/${clientId}/packages`).set(auth).expect(200);
    expect(
      packages.body.map((p: { unit: string; quantity: number; used: number; remaining: number }) => [
        p.unit,
        p.quantity,
        p.used,
        p.remaining,
      ]),
    ).toEqual([
      ['hours', 600, 300, 300],
      ['tickets', 5, 1, 4],
    ]);
    // Resolving again after a reopen does not draw a second ticket.
    await request(h.app)
      .patch(`/api/tickets/${number}`)
      .set(auth)
      .send({ staffId: 'erin', status: 'reopen' })
      .expect(200);
    await request(h.app)
      .patch(`/api/tickets/${number}`)
      .set(auth)
      .send({ staffId: 'erin', status: 'resolved' })
      .expect(200);
    const again = await request(h.app).get(`/api/clients/${clientId}/packages`).set(auth).expect(200);
    expect(again.body[1].remaining).toBe(4);
  });

  it('reports the month per rate period, lists after-hours events and package usage', async () => {
    const report = (await monthlyReport(h.db.q, h.services.calendar, '2026-12', clientId))!;
    const work = report.lines.find((l) => l.type === 'work_time')!;
    expect(work.count).toBe(3);
    expect({
      business: work.periods.business,
      after_hours: work.periods.after_hours,
      weekend: work.periods.weekend,
      holiday: work.periods.holiday,
    }).toEqual({
      business: { count: 1, minutes: 30 },
      after_hours: { count: 1, minutes: 150 },
      weekend: { count: 0, minutes: 30 },
      holiday: { count: 1, minutes: 90 },
    });
    expect(report.lines.find((l) => l.type === 'voicemail')?.periods.business).toEqual({ count: 1, minutes: 0.5 });
    expect(report.afterHours.map((e) => e.type)).toEqual(['work_time', 'work_time', 'work_time']);
    expect(report.packages.map((p) => [p.unit, p.usedThisMonth, p.remaining])).toEqual([
      ['hours', 300, 300],
      ['tickets', 1, 4],
    ]);
  });

  it('keeps an event priced as it was recorded when office hours change later', async () => {
    const before = await billableEvents(h.db.q, {
      from: new Date('2026-12-01T06:00:00Z'),
      to: new Date('2027-01-01T06:00:00Z'),
    });
    const longer = calendarOf(organisationFrom(undefined, (doc) => (doc.business_hours.thursday = ['00:00-24:00'])));
    await syncLedger(h.db, longer, h.clock.now());
    expect(
      await billableEvents(h.db.q, { from: new Date('2026-12-01T06:00:00Z'), to: new Date('2027-01-01T06:00:00Z') }),
    ).toEqual(before);
  });

  it('emails billing the month’s after-hours summary with the events as CSV, once', async () => {
    h.clock.set('2027-01-01T13:00:00Z'); // 1 January, 07:00 in Chicago
    expect(await sendMonthlySummary(h.services.tickets)).toEqual({ month: '2026-12', sent: 1 });
    expect((await sendMonthlySummary(h.services.tickets)).sent).toBe(0);
    await h.settle();
    const mails = h.smtp.mails.filter((m) => m.to[0] === 'billing@example.com');
    expect(mails).toHaveLength(1);
    const raw = mails[0]!.raw.replace(/=\r?\n/g, '');
    expect(raw).toContain('Subject: [Omnipotech] After-hours summary 2026-12');
    expect(raw).toContain('3 billable events outside business hours.');
    expect(raw).toMatch(/Content-Type: text\/csv; charset=utf-8;?\s*name=after-hours-2026-12\.csv/);
  });

  it('sums every client for the whole organisation, and exports a client’s month as CSV', async () => {
    const report = (await monthlyReport(h.db.q, h.services.calendar, '2026-12'))!;
    expect(report.clients.map((c) => [c.client, c.count, c.afterHoursCount])).toEqual([['Acme Dental', 4, 3]]);
    const csv = reportCsv(
      (await monthlyReport(h.db.q, h.services.calendar, '2026-12', clientId))!,
      'Acme Dental',
    ).split('\r\n');
    expect(csv[0]).toBe('month,client,item,rate_period,count,minutes');
    expect(csv).toEqual(
      expect.arrayContaining([
        '2026-12,Acme Dental,work_time,after_hours,1,150',
        '2026-12,Acme Dental,work_time,weekend,0,30',
        '2026-12,Acme Dental,prepaid hours used (package 1),,,300',
        '2026-12,Acme Dental,prepaid tickets left (package 2),,4,',
      ]),
    );
  });
});
