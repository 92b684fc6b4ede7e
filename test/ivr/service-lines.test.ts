import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { tickets } from '../../src/db/schema.js';
import { auth } from '../support/app.js';
import { organisationFrom } from '../support/organisation.js';
import { pagingHarness } from '../support/paging.js';
import { Caller } from '../support/phone.js';
import { ACME_PHONE, seedClients } from '../support/seed.js';

const ERIN = '+15550200001';
const ALAN = '+15550200002';
const ED = '+15550200003';
const NIMBUS_PHONE = '+12815550177';

// Software support: Erin on call, Alan its architect. Network operations: Ed on call, no architect.
const organisation = organisationFrom(undefined, (doc) => {
  doc.service_lines = [
    {
      id: 'software',
      name: 'Software support',
      on_call: { rotation: ['erin'], shift: 'daily', handoff: '08:00' },
      architects: ['alan'],
    },
    {
      id: 'noc',
      name: 'Network operations',
      on_call: { rotation: ['ed'], shift: 'daily', handoff: '08:00' },
      architects: [],
      slack_channel: 'C0NOC',
      email: 'NOC-Team@example.com',
    },
  ];
});

describe('service lines: each line pages its own people', async () => {
  const h = await pagingHarness({ organisation });
  await seedClients(h.app); // Acme Dental's contract covers every line
  await request(h.app)
    .post('/api/clients')
    .set(auth)
    .send({
      name: 'Nimbus Networks',
      supportCode: '5150',
      lines: ['noc'],
      contacts: [{ name: 'Nia', phone: NIMBUS_PHONE }],
    })
    .expect(201);
  const pagedBy = (phones: string[]) =>
    h.twilio.messages.filter((m) => phones.includes(m.to) && m.body.startsWith('EMERGENCY'));
  const latest = async () => (await h.db.q.select().from(tickets)).at(-1)!;
  const fresh = () => (h.twilio.messages.length = 0);

  it('asks a caller whose contract covers several lines which one, and pages only that line’s people', async () => {
    fresh();
    const caller = new Caller(h.app, ACME_PHONE);
    await caller.dial();
    await caller.press('5');
    expect(caller.heard).toBe('For Software support, press 1. For Network operations, press 2.');
    await caller.press('2');
    await caller.leaveVoicemail(20);
    await h.settle();
    const ticket = await latest();
    expect(ticket.line).toBe('noc');
    expect(pagedBy([ERIN, ALAN, ED]).map((m) => m.to)).toEqual([ED]);
    // Slack: the line's own channel.
    expect(
      h.slack.calls.filter((c) => String(c.body.text).includes(`TK-${ticket.number}`)).map((c) => c.body.channel),
    ).toEqual(['C0NOC']);
  });

  it('asks nothing of a caller whose contract covers one line', async () => {
    fresh();
    const caller = new Caller(h.app, NIMBUS_PHONE);
    await caller.dial();
    await caller.press('5');
    expect(caller.recordVerb).toBeDefined();
    await caller.leaveVoicemail(20);
    await h.settle();
    expect((await latest()).line).toBe('noc');
    expect(pagedBy([ERIN, ALAN, ED]).map((m) => m.to)).toEqual([ED]);
  });

  it('never holds up an emergency for the question: no choice twice, and the voicemail pages the organisation’s rotation', async () => {
    fresh();
    const caller = new Caller(h.app, '+13125550901');
    await caller.dial();
    await caller.press('5');
    await caller.press(''); // no support code
    expect(caller.heard).toContain('For Software support, press 1.');
    await caller.silence();
    expect(caller.heard).toMatch(/^Sorry, we did not hear a choice\. For Software support, press 1\./);
    await caller.press('9');
    await caller.leaveVoicemail(20);
    await h.settle();
    expect((await latest()).line).toBeNull();
    // The organisation's on_call (Ed on this Monday evening) and every architect.
    expect(
      pagedBy([ERIN, ALAN, ED])
        .map((m) => m.to)
        .sort(),
    ).toEqual([ALAN, ED].sort());
  });

  it('escalates to the line’s people, and lets the line’s override take its pages', async () => {
    fresh();
    h.clock.advance(11 * 60_000);
    await h.escalate();
    await h.settle();
    const noc = (await h.db.q.select().from(tickets)).filter((t) => t.line === 'noc');
    for (const t of noc)
      expect(
        h.twilio.messages.filter((m) => m.body.includes(`STILL UNACKNOWLEDGED TK-${t.number}`)).map((m) => m.to),
      ).toEqual([ED]);

    const now = h.clock.now();
    await request(h.app)
      .post('/api/oncall/overrides')
      .set(auth)
      .send({
        staffId: 'erin',
        line: 'noc',
        startsAt: now.toISOString(),
        endsAt: new Date(now.getTime() + 3_600_000).toISOString(),
      })
      .expect(201);
    const oncall = await request(h.app).get('/api/oncall').set(auth).expect(200);
    expect(
      oncall.body.lines.map((l: { id: string; now: { staff: { id: string } } }) => [l.id, l.now.staff.id]),
    ).toEqual([
      ['software', 'erin'],
      ['noc', 'erin'],
    ]);
    expect(oncall.body.lines[0].architects).toEqual([{ id: 'alan', name: 'Alan Architect' }]);
    fresh();
    const caller = new Caller(h.app, NIMBUS_PHONE);
    await caller.dial();
    await caller.press('5');
    await caller.leaveVoicemail(20);
    await h.settle();
    // Nimbus's open emergency is paged again (a second call within the window), now to the override.
    const open = (await h.db.q.select().from(tickets)).filter((t) => t.line === 'noc').at(-1)!;
    expect(
      h.twilio.messages
        .filter((m) => [ERIN, ALAN, ED].includes(m.to) && m.body.includes(`TK-${open.number}`))
        .map((m) => m.to),
    ).toEqual([ERIN]);
    await request(h.app)
      .post('/api/oncall/overrides')
      .set(auth)
      .send({
        staffId: 'erin',
        line: 'voip',
        startsAt: now.toISOString(),
        endsAt: new Date(now.getTime() + 60_000).toISOString(),
      })
      .expect(400);
  });

  it('sends the line’s own address a copy of its pages, and counts it among the helpdesk’s addresses for that line', async () => {
    fresh();
    h.smtp.mails.length = 0;
    const caller = new Caller(h.app, '+13125550902');
    await caller.dial();
    await caller.press('5');
    await caller.press(''); // no support code
    await caller.press('2'); // Network operations
    await caller.leaveVoicemail(20);
    await h.settle();
    const ticket = await latest();
    const copies = h.smtp.mails.filter((m) => m.to[0] === 'noc-team@example.com');
    expect(copies).toHaveLength(1);
    expect(copies[0]!.raw).toContain(`TK-${ticket.number}`);
    // No personal link to take it: a team mailbox is nobody in particular.
    expect(copies[0]!.raw).not.toMatch(/\/ack\//);
    expect(h.config.organisation.email.addresses).toContainEqual({ address: 'noc-team@example.com', line: 'noc' });
  });
});

describe('support levels: a contract’s SLA', async () => {
  const h = await pagingHarness({
    organisation: organisationFrom(undefined, (doc) => {
      doc.support_levels = {
        standard: { after_hours_emergency: 'billable' },
        premium: { after_hours_emergency: 'included', sla: { critical: '2h' } },
      };
    }),
  });
  await request(h.app)
    .post('/api/clients')
    .set(auth)
    .send({
      name: 'Prime Law',
      supportCode: '7001',
      level: 'premium',
      contacts: [{ name: 'Pat', phone: NIMBUS_PHONE }],
    })
    .expect(201);
  const hours = (t: { createdAt: Date; slaDueAt: Date | null }) =>
    (t.slaDueAt!.getTime() - t.createdAt.getTime()) / 3_600_000;

  it('gives a premium client’s emergency its level’s deadline, and an unknown caller the first level’s', async () => {
    const premium = new Caller(h.app, NIMBUS_PHONE);
    await premium.dial();
    await premium.press('5');
    await premium.leaveVoicemail(20);
    const stranger = new Caller(h.app, '+13125550902');
    await stranger.dial();
    await stranger.press('5');
    await stranger.press('');
    await stranger.leaveVoicemail(20);
    const [first, second] = (await h.db.q.select().from(tickets)).slice(-2);
    expect([hours(first!), hours(second!)]).toEqual([2, 4]);
  });
});
