import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { createApp, servicesOf } from '../../src/app.js';
import { tickets } from '../../src/db/schema.js';
import { auth } from '../support/app.js';
import { pagingHarness } from '../support/paging.js';
import { emergencyFromUnknown, twilioPost } from '../support/phone.js';
import { parseTwiml } from '../support/twiml.js';

// Monday evening in the harness: Ed is on call, and Alan is the architect; both are paged.
const ED = '+15550200003';
const ALAN = '+15550200002';

describe('texts to the helpdesk number: ACK ALL asks first, and nobody can run up replies', async () => {
  const h = await pagingHarness();
  // A second instance on the same database: nothing of a conversation may live in one instance's memory.
  const other = createApp(
    await servicesOf({ config: h.config, db: h.db, clock: h.clock, channels: h.channels, log: h.log }),
  );
  /** The text a sender gets back, or undefined when the service stays silent (no paid reply). */
  const text = async (from: string, body: string, app = h.app) => {
    const res = await twilioPost(app, '/twilio/sms', { From: from, Body: body }).expect(200);
    return parseTwiml(res.text).find((v) => v.verb === 'Message')?.text;
  };
  const open = async () => (await h.db.q.select().from(tickets)).filter((t) => t.status === 'new');

  it('ACK ALL says what it would take and takes nothing until YES comes within two minutes, on any instance', async () => {
    for (let i = 0; i < 12; i++) await emergencyFromUnknown(h.app, `+131255506${String(i).padStart(2, '0')}`);
    await h.settle();
    const waiting = (await open()).map((t) => t.number).sort((a, b) => a - b);
    expect(waiting).toHaveLength(12);

    const asked = await text(ED, 'ACK ALL');
    expect(asked).toContain('ACK ALL would take 12 emergencies:');
    expect(asked).toContain(`TK-${waiting[0]}`);
    expect(asked).toContain('Reply YES within 2 minutes to take them all.');
    expect(await open()).toHaveLength(12); // nothing taken, every escalation still running

    // Too late: the question has lapsed, and says so.
    h.clock.advance(2 * 60_000 + 1000);
    expect(await text(ED, 'YES', other)).toContain('The ACK ALL question has lapsed');
    expect(await open()).toHaveLength(12);

    await text(ED, 'ack all');
    h.clock.advance(60_000);
    const taken = await text(ED, 'yes', other); // another instance takes the answer
    expect(taken).toContain('are yours. The others have been told.');
    expect(await open()).toHaveLength(0);
    const rows = await h.db.q.select().from(tickets);
    expect(rows.filter((t) => waiting.includes(t.number)).every((t) => t.acknowledgedBy === 'ed')).toBe(true);
  });

  it('answers at most 10 commands from one number in 10 minutes, says so once, then stays silent', async () => {
    h.clock.advance(10 * 60_000);
    const replies: (string | undefined)[] = [];
    for (let i = 0; i < 13; i++) replies.push(await text(ALAN, 'HELP', i % 2 ? other : h.app));
    expect(replies.slice(0, 10).every((r) => r?.includes('HELP lists these'))).toBe(true);
    expect(replies[10]).toContain('Too many texts from this number');
    expect(replies.slice(11)).toEqual([undefined, undefined]);
    h.clock.advance(10 * 60_000);
    expect(await text(ALAN, 'HELP')).toContain('HELP lists these');
  });

  it('never replies to a number that is neither staff nor a client, nor to premium-rate or international-network numbers', async () => {
    for (let i = 0; i < 30; i++) expect(await text('+882345678901', 'ACK ALL')).toBeUndefined();
    expect(await text('+13125550000', 'hello')).toBeUndefined();
    await request(h.app)
      .post('/api/clients')
      .set(auth)
      .send({
        name: 'Costly Contacts',
        supportCode: '990011',
        contacts: [
          { name: 'Pat Premium', phone: '+19005550123' },
          { name: 'Sam Satellite', phone: '+882345678902' },
          { name: 'Cleo Client', phone: '+13125550001' },
        ],
      })
      .expect(201);
    expect(await text('+19005550123', 'hello')).toBeUndefined();
    expect(await text('+882345678902', 'hello')).toBeUndefined();
    // A client is told once a day that the number takes calls.
    expect(await text('+13125550001', 'hello')).toContain('this number takes calls, not texts');
    expect(await text('+13125550001', 'hello again', other)).toBeUndefined();
    h.clock.advance(24 * 3_600_000);
    expect(await text('+13125550001', 'hello')).toContain('this number takes calls, not texts');
    await h.settle();
    const texters = ['+882345678901', '+13125550000', '+19005550123', '+882345678902', '+13125550001'];
    expect(h.twilio.messages.filter((m) => texters.includes(m.to))).toEqual([]); // nor any sent another way
  });
});
