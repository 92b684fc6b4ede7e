import { describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { DateTime } from 'luxon';
import { escalations, ticketEvents, tickets } from '../../src/db/schema.js';
import { parseText } from '../../src/ivr/index.js';
import { pagingHarness } from '../support/paging.js';
import { emergencyFromUnknown, twilioPost } from '../support/phone.js';

// Monday evening in the harness: Ed is on call, and Alan is the architect; both are paged.
const ED = '+15550200003';
const ALAN = '+15550200002';
const OLIVE = '+15550200004';
/** How long a step is given to be answered before ESC may bring the next one. */
const ESC_AFTER_MS = 2 * 60_000;

describe('reading ACK ALL, ESC and HELP', () => {
  it.each([
    ['ACK ALL', { kind: 'ack_all' }],
    ['ack all', { kind: 'ack_all' }],
    [' Ok  All ', { kind: 'ack_all' }],
    ['ESC 1042', { kind: 'escalate', number: 1042 }],
    ['esc tk-1042', { kind: 'escalate', number: 1042 }],
    ['Escalate 1042', { kind: 'escalate', number: 1042 }],
    ['help', { kind: 'help' }],
  ])('reads %j', (body, command) => {
    expect(parseText(body)).toEqual(command);
  });
  it.each(['ESC', 'ESC ALL', 'ACK ALL 1042'])('does not read %j as a command', (body) => {
    expect(parseText(body)).toBeUndefined();
  });
});

describe('ACK ALL and ESC by text', async () => {
  const h = await pagingHarness();
  const emergency = async (from: string) => {
    await emergencyFromUnknown(h.app, from);
    await h.settle();
    return (await h.db.q.select().from(tickets)).at(-1)!;
  };
  const sms = (from: string, body: string) => twilioPost(h.app, '/twilio/sms', { From: from, Body: body }).expect(200);
  const texts = (phone: string) => h.twilio.messages.filter((m) => m.to === phone);

  it('ESC brings the next escalation step forward at once, for those paged, and only while nobody has it', async () => {
    const ticket = await emergency('+13125550501');
    h.clock.advance(ESC_AFTER_MS); // the page has had time to be answered
    const before = texts(ED).length;
    const refused = await sms(OLIVE, `ESC ${ticket.number}`);
    expect(refused.text).toContain(`ESC is for the people paged about TK-${ticket.number} or on call.`);
    const reply = await sms(ALAN, `esc ${ticket.number}`);
    expect(reply.text).toContain(`TK-${ticket.number}: escalated to the next step now.`);
    await h.settle();
    // The first step repeats the page to everyone paged, well before the ten-minute timeout.
    expect(
      texts(ED)
        .slice(before)
        .map((m) => m.body),
    ).toEqual([expect.stringContaining(`STILL UNACKNOWLEDGED TK-${ticket.number}`)]);
    const timeline = await h.db.q.select().from(tickets);
    expect(timeline.find((t) => t.id === ticket.id)?.status).toBe('new');

    await sms(ED, `ACK ${ticket.number}`);
    const taken = await sms(ALAN, `ESC ${ticket.number}`);
    expect(taken.text).toContain(`TK-${ticket.number} is with Ed Engineer; it is not escalating.`);
  });

  it('ESC sent eight times runs one step, never sooner than the current step can be answered, and never ends the escalation', async () => {
    const ticket = await emergency('+13125550505');
    h.clock.advance(ESC_AFTER_MS);
    const callsBefore = h.twilio.calls.length;
    const replies: string[] = [];
    for (let i = 0; i < 8; i++) replies.push((await sms(ALAN, `ESC ${ticket.number}`)).text);
    await h.settle();
    // One step: everyone paged again and the on-call engineer phoned, once.
    const placed = () =>
      h.twilio.calls
        .slice(callsBefore)
        .filter((c) => c.url.includes(`ticket=${ticket.id}&`))
        .map((c) => c.to);
    expect(placed()).toEqual([ED]);
    expect(replies[0]).toContain(`TK-${ticket.number}: escalated to the next step now.`);
    const next = DateTime.fromMillis(h.clock.now().getTime() + ESC_AFTER_MS, { zone: 'America/Chicago' });
    for (const reply of replies.slice(1))
      expect(reply).toContain(
        `TK-${ticket.number}: the last step is still being answered; the next comes at ${next.toFormat('ccc d LLL, HH:mm')}`,
      );
    // The step asked for comes once the current one has had its time, without another ESC.
    h.clock.advance(ESC_AFTER_MS);
    await h.escalate();
    await h.settle();
    expect(placed()).toEqual([ED, ALAN]);
    const [row] = await h.db.q.select().from(escalations).where(eq(escalations.ticketId, ticket.id));
    expect(row!.status).toBe('active');
    await sms(ED, `ACK ${ticket.number}`);
  });

  it('keeps phoning someone after every round has been tried, until somebody takes the emergency', async () => {
    const ticket = await emergency('+13125550506');
    const callsBefore = h.twilio.calls.length;
    // Three rounds of two steps, then four more timeouts.
    for (let i = 0; i < 10; i++) {
      h.clock.advance(10 * 60_000 + 1000);
      await h.escalate();
      await h.settle();
    }
    const placed = h.twilio.calls
      .slice(callsBefore)
      .filter((c) => c.url.includes(`ticket=${ticket.id}&`))
      .map((c) => c.to);
    expect(placed).toEqual([ED, ALAN, ED, ALAN, ED, ALAN, ALAN, ALAN, ALAN, ALAN]);
    const events = await h.db.q.select().from(ticketEvents).where(eq(ticketEvents.ticketId, ticket.id));
    expect(events.some((e) => String(e.detail?.text).includes('finished without an acknowledgement'))).toBe(false);
    const [row] = await h.db.q.select().from(escalations).where(eq(escalations.ticketId, ticket.id));
    expect(row!.status).toBe('active');
    await sms(ED, `ACK ${ticket.number}`);
  });

  it('ACK ALL, then YES, takes every emergency paged to the sender that nobody has taken', async () => {
    const first = await emergency('+13125550502');
    const second = await emergency('+13125550503');
    const third = await emergency('+13125550504');
    await sms(ALAN, `ACK ${second.number}`);
    const asked = await sms(ED, 'ack all');
    expect(asked.text).toContain(
      `ACK ALL would take 2 emergencies: TK-${first.number}, TK-${third.number}. Reply YES within 2 minutes`,
    );
    const reply = await sms(ED, 'YES');
    expect(reply.text).toContain(`TK-${first.number}, TK-${third.number} are yours. The others have been told.`);
    const rows = await h.db.q.select().from(tickets);
    for (const t of [first, third]) expect(rows.find((r) => r.id === t.id)?.acknowledgedBy).toBe('ed');
    expect(rows.find((r) => r.id === second.id)?.acknowledgedBy).toBe('alan');
    const again = await sms(ED, 'ACK ALL');
    expect(again.text).toContain('Nothing is waiting for you.');
  });

  it('HELP lists every command', async () => {
    const reply = await sms(ED, 'HELP');
    for (const command of ['ACK 1042', 'ACK ALL', 'ESC 1042', 'CALL 1042', 'HELP'])
      expect(reply.text).toContain(command);
  });
});
