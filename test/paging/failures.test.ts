import { describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { outbox, tickets, ticketEvents } from '../../src/db/schema.js';
import { pagingHarness } from '../support/paging.js';
import { Caller } from '../support/phone.js';

const ED = '+15550200003';
const ALAN = '+15550200002';

async function emergencyFrom(h: Awaited<ReturnType<typeof pagingHarness>>, from: string, settle = true) {
  const caller = new Caller(h.app, from);
  await caller.dial();
  await caller.press('5');
  await caller.press('');
  await caller.leaveVoicemail(15);
  if (settle) await h.settle();
  return h.db.select().from(tickets).all().at(-1)!;
}

describe('when a channel fails', () => {
  it('does not retry an opted-out recipient (21610); the email still reaches them, and the timeline says so', async () => {
    const h = await pagingHarness();
    h.twilio.failWith = (kind, to) => (kind === 'message' && to === ALAN ? { status: 400, code: 21610, message: 'Attempt to send to unsubscribed recipient' } : undefined);
    const ticket = await emergencyFrom(h, '+13125550301');
    const alanSms = h.db.select().from(outbox).all().find((r) => r.staffId === 'alan' && r.channel === 'sms')!;
    expect(alanSms).toMatchObject({ status: 'failed', attempts: 1 });
    expect(alanSms.lastError).toContain('21610');
    expect(h.smtp.mails.map((m) => m.to[0])).toContain('alan@example.com');
    const events = h.db.select().from(ticketEvents).where(eq(ticketEvents.ticketId, ticket.id)).all();
    expect(events.find((e) => e.type === 'page_failed')?.detail).toMatchObject({ channel: 'sms', to: 'alan' });
    // Time passes: nothing retries the refused text.
    h.clock.advance(10 * 60_000);
    await h.settle();
    expect(h.db.select().from(outbox).all().find((r) => r.id === alanSms.id)!.attempts).toBe(1);
  });

  it('tells the others when someone cannot be reached on any channel', async () => {
    const h = await pagingHarness();
    h.twilio.failWith = (kind, to) => (kind === 'message' && to === ALAN ? { status: 400, code: 21211, message: 'Invalid To number' } : undefined);
    h.smtp.state.down = true; // every mail refused with 451 (retried)...
    await emergencyFrom(h, '+13125550302');
    // ...until it is refused for good: make the SMTP refusal permanent by exhausting retries.
    for (let i = 0; i < 8; i++) {
      h.clock.advance(6 * 60_000);
      await h.settle();
    }
    const notice = h.twilio.messages.filter((m) => m.to === ED).find((m) => m.body.startsWith('Could not reach alan'));
    expect(notice?.body).toMatch(/^Could not reach alan about TK-\d+ on any channel/);
  });

  it('retries through a Twilio outage and delivers each text once when it recovers', async () => {
    const h = await pagingHarness();
    let down = true;
    h.twilio.failWith = (kind) => (kind === 'message' && down ? { status: 503, code: 20500, message: 'Service unavailable' } : undefined);
    await emergencyFrom(h, '+13125550303');
    expect(h.twilio.messages).toHaveLength(0);
    const pending = h.db.select().from(outbox).all().filter((r) => r.channel === 'sms');
    expect(pending.every((r) => r.status === 'pending' && r.attempts === 1)).toBe(true);
    down = false;
    h.clock.advance(5_000);
    await h.settle();
    expect(h.twilio.messages.map((m) => m.to).sort()).toEqual([ALAN, ED, '+13125550303'].sort());
    h.clock.advance(10 * 60_000);
    await h.settle();
    expect(h.twilio.messages).toHaveLength(3);
  });

  it('after a crash between the commit and the sends, delivers everything exactly once on restart', async () => {
    const h = await pagingHarness();
    await h.stopWorker(); // the process dies right after the ticket's transaction commits
    await emergencyFrom(h, '+13125550304', false);
    expect(h.db.select().from(tickets).all()).toHaveLength(1);
    expect(h.twilio.messages).toHaveLength(0);
    expect(h.smtp.mails).toHaveLength(0);
    // One row was being sent when the crash came: its outcome is unknown and it is not sent again.
    const [interrupted] = h.db.select().from(outbox).where(eq(outbox.channel, 'slack')).all();
    h.db.update(outbox).set({ status: 'sending', attempts: 1 }).where(eq(outbox.id, interrupted!.id)).run();

    h.startWorker(); // restart
    await h.settle();
    h.clock.advance(60_000);
    await h.settle();
    expect(h.twilio.messages.map((m) => m.to).sort()).toEqual([ALAN, ED, '+13125550304'].sort());
    expect(h.smtp.mails).toHaveLength(2);
    expect(h.slack.calls.filter((c) => c.method === 'chat.postMessage')).toHaveLength(0);
    expect(h.db.select().from(outbox).where(eq(outbox.id, interrupted!.id)).get()?.status).toBe('unknown');
  });
});
