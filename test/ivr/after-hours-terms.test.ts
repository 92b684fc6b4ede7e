import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { ticketEvents, tickets } from '../../src/db/schema.js';
import { monthlyReport, syncLedger } from '../../src/billing/index.js';
import { auth } from '../support/app.js';
import { organisationFrom } from '../support/organisation.js';
import { pagingHarness } from '../support/paging.js';
import { Caller } from '../support/phone.js';

const BASIC_PHONE = '+12815550161';
const PREMIUM_PHONE = '+12815550162';
const STAFF = ['+15550200001', '+15550200002', '+15550200003'];

describe('after-hours emergencies and the contract', async () => {
  // Monday 22:00 in Chicago: after hours.
  const h = await pagingHarness({
    organisation: organisationFrom(undefined, (doc) => {
      doc.support_levels = {
        standard: { after_hours_emergency: 'billable' },
        premium: { after_hours_emergency: 'included' },
        basic: { after_hours_emergency: 'none' },
      };
    }),
  });
  for (const [name, code, level, phone] of [
    ['Basic Books', '8001', 'basic', BASIC_PHONE],
    ['Premium Pharma', '8002', 'premium', PREMIUM_PHONE],
  ])
    await request(h.app)
      .post('/api/clients')
      .set(auth)
      .send({ name, supportCode: code, level, contacts: [{ name: 'Contact', phone }] })
      .expect(201);
  const staffPages = () => h.twilio.messages.filter((m) => STAFF.includes(m.to));
  const latest = async () => (await h.db.q.select().from(tickets)).at(-1);

  it('offers a caller whose contract excludes after-hours emergencies a callback, which pages nobody', async () => {
    const caller = new Caller(h.app, BASIC_PHONE);
    await caller.dial();
    await caller.press('5');
    expect(caller.heard).toBe(
      'Your contract does not include emergencies outside business hours. To go ahead at the after-hours rate, press 1. To be called back when the office opens, press 2.',
    );
    await caller.press('2');
    expect(caller.heard).toMatch(/^We will call you back at Tuesday, November 24(,| at) 9:00 AM\. Goodbye\.$/);
    await h.settle();
    expect(staffPages()).toHaveLength(0);
    expect(await latest()).toBeUndefined();
    const queue = await request(h.app).get('/api/callbacks').set(auth).expect(200);
    expect(queue.body.map((c: { phone: string }) => c.phone)).toEqual([BASIC_PHONE]);
  });

  it('records the caller’s consent when they press 1, bills the ticket, and pages as usual', async () => {
    const caller = new Caller(h.app, BASIC_PHONE);
    await caller.dial();
    await caller.press('5');
    await caller.press('1');
    expect(caller.heard).toMatch(/^Thank you\. This emergency will be billed at the after-hours rate\. /);
    await caller.leaveVoicemail(20);
    await h.settle();
    const ticket = (await latest())!;
    expect(ticket).toMatchObject({ emergency: true, billable: true });
    const [created] = (await h.db.q.select().from(ticketEvents)).filter(
      (e) => e.ticketId === ticket.id && e.type === 'created',
    );
    expect(created!.detail).toMatchObject({
      afterHours: { terms: 'consented', number: BASIC_PHONE, consentAt: h.clock.now().toISOString() },
    });
    expect(staffPages().some((m) => m.body.includes(`TK-${ticket.number}`))).toBe(true);
  });

  it('tells an unknown caller (the first level: billable) that the after-hours rate applies; an included contract hears nothing of it', async () => {
    const stranger = new Caller(h.app, '+13125550701');
    await stranger.dial();
    await stranger.press('5');
    await stranger.press('');
    expect(stranger.heard).toMatch(
      /^Please note: outside business hours, emergencies are billed at the after-hours rate\. /,
    );
    await stranger.leaveVoicemail(20);
    expect(await latest()).toMatchObject({ billable: true, unidentified: true });

    const premium = new Caller(h.app, PREMIUM_PHONE);
    await premium.dial();
    await premium.press('5');
    expect(premium.heard).not.toContain('after-hours rate');
    await premium.leaveVoicemail(20);
    expect(await latest()).toMatchObject({ billable: false });
  });

  it('lists the billed emergencies with their terms and the levels in the month’s billing report', async () => {
    await syncLedger(h.db, h.services.calendar, h.clock.now());
    const report = (await monthlyReport(
      h.db.q,
      h.services.calendar,
      '2026-11',
      undefined,
      500,
      h.config.organisation.supportLevels,
    ))!;
    expect(report.billableEmergencies.map((e) => [e.terms, e.caller])).toEqual([
      ['consented', BASIC_PHONE],
      ['billable', '+13125550701'],
    ]);
    expect(report.billableEmergencies[0]!.consentAt).not.toBeNull();
    expect(report.levels.map((l) => l.level)).toEqual(['standard', 'premium', 'basic']);
    expect(report.clients.map((c) => [c.client, c.level])).toEqual(
      expect.arrayContaining([
        ['Basic Books', 'basic'],
        ['Premium Pharma', 'premium'],
        ['Unidentified callers', 'standard'],
      ]),
    );
  });

  it('asks nothing in business hours', async () => {
    h.clock.set('2026-11-24T16:00:00Z'); // Tuesday 10:00 in Chicago
    const caller = new Caller(h.app, BASIC_PHONE);
    await caller.dial();
    await caller.press('5');
    expect(caller.recordVerb).toBeDefined();
    expect(caller.heard).not.toContain('after-hours');
  });
});
