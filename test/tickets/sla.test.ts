import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import { calendarOf } from '../../src/calendar/index.js';
import { outbox, tickets } from '../../src/db/schema.js';
import { recordVoicemail } from '../../src/tickets/index.js';
import { slaClock } from '../../src/tickets/sla.js';
import { createPager, type TicketFacts } from '../../src/paging/index.js';
import { requesterText } from '../../src/paging/words.js';
import { runSlaChecks } from '../../src/tickets/sla-watch.js';
import { auth, testApp } from '../support/app.js';
import { organisationFrom } from '../support/organisation.js';
import { pagingHarness } from '../support/paging.js';
import { ACME_PHONE, seedClients } from '../support/seed.js';

// Wednesday 23 December 2026, 15:00 in Chicago (21:00Z). Friday the 25th is a holiday, then a weekend.
const OPENED = '2026-12-23T21:00:00Z';
const ALAN = '+15550200002';

describe('SLA deadlines', async () => {
  const organisation = organisationFrom();
  const calendar = calendarOf(organisation);

  it('runs High, Medium and Low in business time, past a holiday and a weekend; Critical around the clock', () => {
    const from = new Date(OPENED);
    // High, 24 business hours: Wed 2 h + Thu 8 h, Fri holiday, Sat–Sun weekend, Mon 5.5 h (split day), Tue 8.5 h → Tue 29th 17:30.
    expect(slaClock(calendar, organisation.sla, 'high', from)).toEqual({
      slaDueAt: new Date('2026-12-29T23:30:00Z'),
      slaWarnAt: new Date('2026-12-29T17:30:00Z'),
    });
    // Medium, 48 h: … Tue 29th 9 h (24.5), Wed 30th 8 h (32.5), Thu 31st 8 h (40.5), Jan 1st holiday, weekend, Mon 4th 5.5 h (46) → Tue 5th 11:00.
    expect(slaClock(calendar, organisation.sla, 'medium', from).slaDueAt).toEqual(new Date('2027-01-05T17:00:00Z'));
    // Critical, 4 h on the wall clock: 19:00 the same evening.
    expect(slaClock(calendar, organisation.sla, 'critical', from)).toEqual({
      slaDueAt: new Date('2026-12-24T01:00:00Z'),
      slaWarnAt: new Date('2026-12-24T00:00:00Z'),
    });
  });

  it('takes its targets from the organisation file', () => {
    const custom = organisationFrom(undefined, (doc) => (doc.sla = { critical: '2h', high: '8h' }));
    expect(custom.sla).toEqual({
      critical: 2 * 3_600_000,
      high: 8 * 3_600_000,
      medium: 48 * 3_600_000,
      low: 72 * 3_600_000,
    });
    // High, 8 business hours from Wednesday 15:00: Wed 2 h, Thu 6 h → Thursday 15:00.
    expect(slaClock(calendarOf(custom), custom.sla, 'high', new Date(OPENED)).slaDueAt).toEqual(
      new Date('2026-12-24T21:00:00Z'),
    );
  });
});

describe('requester notices in the organisation language', async () => {
  it('speaks Italian and Russian when the organisation does', () => {
    const ticket = { number: 1042, priority: 'high', slaDueAt: new Date('2026-12-29T23:30:00Z') } as TicketFacts;
    const contextOf = (org: ReturnType<typeof organisationFrom>) =>
      createPager(org, 'https://switchboard.test', { now: () => new Date() }).context;
    const italian = organisationFrom(undefined, (doc) => (doc.organization.language = 'it-IT'));
    expect(requesterText(contextOf(italian), ticket, { kind: 'priority', from: 'medium', to: 'high' })).toBe(
      'Omnipotech: la priorità della richiesta TK-1042 è passata da Media a Alta. Contiamo di risolverla entro mar 29 dic, 17:30 GMT-6.',
    );
    const russian = organisationFrom(undefined, (doc) => (doc.organization.language = 'ru-RU'));
    expect(requesterText(contextOf(russian), ticket, { kind: 'resolved' })).toBe(
      'Omnipotech: заявка TK-1042 решена. Если это не так, позвоните +12817684800, нажмите 3 и введите 1042.',
    );
  });
});

describe('priority changes, the SLA watch and requester notices', async () => {
  let h: Awaited<ReturnType<typeof pagingHarness>>;
  let number: number;
  beforeAll(async () => {
    h = await pagingHarness({ now: OPENED });
    const { acme } = await seedClients(h.app);
    const made = await recordVoicemail(h.services.tickets, {
      recordingSid: 'RE10000000000000000000000000000001',
      kind: 'general',
      durationSeconds: 20,
      callerNumber: ACME_PHONE,
      clientId: acme.id,
      contactId: acme.contacts[0].id,
      source: 'record_action',
      canAskAgain: false,
    });
    if (made.result !== 'created') throw new Error(made.result);
    number = made.ticket.number;
    await h.settle();
  });

  it('tells the requester by email that the ticket is open (the caller already had a text)', () => {
    const mail = h.smtp.mails.find((m) => m.to[0] === 'dana@acme.example');
    expect(mail?.raw).toContain(`Subject: [Omnipotech] Your ticket TK-${number}`);
    expect(mail?.raw.replace(/=\r?\n/g, '')).toContain(
      `Omnipotech: we opened ticket TK-${number} for you, priority Medium. We aim to resolve it by Tue 5 Jan, 11:00 CST.`,
    );
    expect(h.twilio.messages.filter((m) => m.to === ACME_PHONE)).toHaveLength(1); // the caller's confirmation only
  });

  it('moves the deadline when staff change the priority, and tells the requester by email and SMS', async () => {
    h.clock.set('2026-12-24T15:00:00Z');
    const res = await request(h.app)
      .patch(`/api/tickets/TK-${number}`)
      .set(auth)
      .send({ staffId: 'olive', priority: 'high' })
      .expect(200);
    expect(res.body).toMatchObject({
      priority: 'high',
      slaDueAt: '2026-12-29T23:30:00.000Z',
      slaWarnAt: '2026-12-29T17:30:00.000Z',
    });
    await h.settle();
    const sms = h.twilio.messages.filter((m) => m.to === ACME_PHONE).at(-1);
    expect(sms?.body).toBe(
      `Omnipotech: ticket TK-${number} changed from Medium to High priority. We now aim to resolve it by Tue 29 Dec, 17:30 CST.`,
    );
    expect(h.smtp.mails.filter((m) => m.to[0] === 'dana@acme.example')).toHaveLength(2);
    const timeline = (await request(h.app).get(`/api/tickets/${number}`).set(auth).expect(200)).body.timeline;
    expect(timeline.find((e: { type: string }) => e.type === 'priority_changed')).toMatchObject({
      actor: 'olive',
      detail: { from: 'medium', to: 'high' },
    });

    const bad = await request(h.app)
      .patch(`/api/tickets/${number}`)
      .set(auth)
      .send({ staffId: 'olive', priority: 'urgent' })
      .expect(400);
    expect(bad.body.error.fields.priority).toMatch(/must be one of critical, high, medium, low/);
    await request(h.app).patch(`/api/tickets/999999`).set(auth).send({ staffId: 'olive', priority: 'low' }).expect(404);
  });

  it('warns the assignee at 75% of the time and escalates to the architects at breach, once each', async () => {
    const deps = h.services.tickets;
    h.clock.set('2026-12-29T17:29:00Z');
    expect(await runSlaChecks(deps)).toEqual({ warned: 0, breached: 0 });
    h.clock.set('2026-12-29T17:30:00Z');
    expect(await runSlaChecks(deps)).toEqual({ warned: 1, breached: 0 });
    expect(await runSlaChecks(deps)).toEqual({ warned: 0, breached: 0 });
    await h.settle();
    // Nobody has taken it: whoever is on call then is warned.
    const onCall = (await request(h.app).get('/api/oncall').set(auth).expect(200)).body.now.staff.id;
    const warning = h.twilio.messages.find((m) => m.body.startsWith(`SLA warning TK-${number}`));
    expect(warning?.to).toBe(h.config.organisation.staff.find((s) => s.id === onCall)!.phone);
    expect(h.twilio.messages.filter((m) => m.body.startsWith('SLA warning'))).toHaveLength(1);
    expect(warning?.body).toContain('75% of its time has gone; due Tue 29 Dec, 17:30 CST');

    h.clock.set('2026-12-29T23:30:00Z');
    expect(await runSlaChecks(deps)).toEqual({ warned: 0, breached: 1 });
    expect(await runSlaChecks(deps)).toEqual({ warned: 0, breached: 0 });
    await h.settle();
    const breach = h.twilio.messages.filter((m) => m.body.startsWith(`SLA BREACHED TK-${number}`));
    expect(breach.map((m) => m.to)).toEqual([ALAN]);
    expect(h.slack.calls.some((c) => String(c.body.text).includes(`SLA BREACHED TK-${number}`))).toBe(true);
    expect(
      h.smtp.mails.some((m) => m.to[0] === 'alan@example.com' && m.raw.includes(`SLA breached: TK-${number}`)),
    ).toBe(true);
    const [ticket] = await h.db.q.select().from(tickets);
    expect(ticket).toMatchObject({
      slaWarnedAt: new Date('2026-12-29T17:30:00Z'),
      slaBreachedAt: new Date('2026-12-29T23:30:00Z'),
    });
  });

  it('tells the requester when the ticket is acknowledged, returned for information and resolved', async () => {
    h.clock.set('2026-12-30T15:00:00Z');
    await request(h.app).post(`/api/tickets/${number}/ack`).set(auth).send({ staffId: 'erin' }).expect(200);
    await request(h.app)
      .patch(`/api/tickets/${number}`)
      .set(auth)
      .send({ staffId: 'erin', status: 'waiting_on_customer' })
      .expect(400);
    await request(h.app)
      .patch(`/api/tickets/${number}`)
      .set(auth)
      .send({ staffId: 'erin', status: 'waiting_on_customer', message: 'Which printer model is it' })
      .expect(200);
    await request(h.app)
      .patch(`/api/tickets/${number}`)
      .set(auth)
      .send({ staffId: 'erin', status: 'resolved', message: 'We replaced the toner.' })
      .expect(200);
    await h.settle();
    const texts = h.twilio.messages.filter((m) => m.to === ACME_PHONE).map((m) => m.body);
    expect(texts).toEqual(
      expect.arrayContaining([
        `Omnipotech: Erin Engineer is now working on your ticket TK-${number}.`,
        `Omnipotech: we need more information on ticket TK-${number}: Which printer model is it. Reply, or call +12817684800, press 3 and enter ${number}.`,
        `Omnipotech: ticket TK-${number} is resolved. We replaced the toner. If it is not, call +12817684800, press 3 and enter ${number}.`,
      ]),
    );
    // Every notice also went by email: opened, priority, acknowledged, returned, resolved.
    const rows = (await h.db.q.select().from(outbox)).filter((r) => r.purpose === 'requester' && r.channel === 'email');
    expect(rows).toHaveLength(5);
    expect(h.smtp.mails.filter((m) => m.to[0] === 'dana@acme.example')).toHaveLength(5);
    await request(h.app)
      .patch(`/api/tickets/${number}`)
      .set(auth)
      .send({ staffId: 'erin', priority: 'low' })
      .expect(409);
  });
});

describe('many SLA breaches at once', async () => {
  const { db, clock, services } = await testApp({ now: OPENED });

  it('reach each architect as one summary, not a message per ticket', async () => {
    for (let i = 0; i < 12; i++) {
      await recordVoicemail(services.tickets, {
        recordingSid: `RE3${String(i).padStart(31, '0')}`,
        kind: 'general',
        durationSeconds: 10,
        callerNumber: `+1312555${String(2000 + i)}`,
        source: 'record_action',
        canAskAgain: false,
      });
    }
    clock.set('2027-02-01T12:00:00Z');
    const deps = services.tickets;
    expect(await runSlaChecks(deps)).toEqual({ warned: 0, breached: 12 });
    const notices = (await db.q.select().from(outbox).orderBy(outbox.id)).filter((r) => r.purpose === 'notice');
    expect(notices.map((r) => [r.channel, r.recipient])).toEqual([
      ['sms', ALAN],
      ['email', 'alan@example.com'],
      ['slack', 'channel'],
    ]);
    expect(notices[0]!.body).toBe('12 tickets have breached their SLA. Details by email.');
    expect(notices[1]!.body.split('\n').filter((l) => l.startsWith('- SLA BREACHED TK-'))).toHaveLength(12);
    expect(await runSlaChecks(deps)).toEqual({ warned: 0, breached: 0 });
  });
});
