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
  return (await h.db.q.select().from(tickets)).at(-1)!;
}

describe('when a channel fails', async () => {
  it('does not retry an opted-out recipient (21610); the email still reaches them, and the timeline says so', async () => {
    const h = await pagingHarness();
    h.twilio.failWith = (kind, to) =>
      kind === 'message' && to === ALAN
        ? { status: 400, code: 21610, message: 'Attempt to send to unsubscribed recipient' }
        : undefined;
    const ticket = await emergencyFrom(h, '+13125550301');
    const alanSms = (await h.db.q.select().from(outbox)).find((r) => r.staffId === 'alan' && r.channel === 'sms')!;
    expect(alanSms).toMatchObject({ status: 'failed', attempts: 1 });
    expect(alanSms.lastError).toContain('21610');
    expect(h.smtp.mails.map((m) => m.to[0])).toContain('alan@example.com');
    const events = await h.db.q.select().from(ticketEvents).where(eq(ticketEvents.ticketId, ticket.id));
    expect(events.find((e) => e.type === 'page_failed')?.detail).toMatchObject({ channel: 'sms', to: 'alan' });
    // Time passes: nothing retries the refused text.
    h.clock.advance(10 * 60_000);
    await h.settle();
    expect((await h.db.q.select().from(outbox)).find((r) => r.id === alanSms.id)!.attempts).toBe(1);
  });

  it('tells the others when someone cannot be reached on any channel', async () => {
    const h = await pagingHarness();
    h.twilio.failWith = (kind, to) =>
      kind === 'message' && to === ALAN ? { status: 400, code: 21211, message: 'Invalid To number' } : undefined;
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
    h.twilio.failWith = (kind) =>
      kind === 'message' && down ? { status: 503, code: 20500, message: 'Service unavailable' } : undefined;
    await emergencyFrom(h, '+13125550303');
    expect(h.twilio.messages).toHaveLength(0);
    const pending = (await h.db.q.select().from(outbox)).filter((r) => r.channel === 'sms');
    expect(pending.every((r) => r.status === 'pending' && r.attempts === 1)).toBe(true);
    down = false;
    h.clock.advance(5_000);
    await h.settle();
    expect(h.twilio.messages.map((m) => m.to).sort()).toEqual([ALAN, ED, '+13125550303'].sort());
    h.clock.advance(10 * 60_000);
    await h.settle();
    expect(h.twilio.messages).toHaveLength(3);
  });

  it('after a crash mid-send, settles each interrupted message with its provider: nothing lost, no text twice', async () => {
    const h = await pagingHarness();
    await h.stopWorker(); // the process dies right after the ticket's transaction commits...
    await emergencyFrom(h, '+13125550304', false);
    expect(await h.db.q.select().from(tickets)).toHaveLength(1);
    const rows = await h.db.q.select().from(outbox);
    const row = (staffId: string | null, channel: string) =>
      rows.find((r) => r.staffId === staffId && r.channel === channel)!;
    const [edSms, alanSms, edMail, post] = [
      row('ed', 'sms'),
      row('alan', 'sms'),
      row('ed', 'email'),
      row(null, 'slack'),
    ];
    // ...while four messages were being handed over: Twilio had taken Ed's text but not Alan's, Slack
    // had taken the post, and nobody can say about the email.
    const at = h.clock.now();
    for (const r of [edSms, alanSms, edMail, post]) {
      await h.db.withTransaction((tx) =>
        tx
          .update(outbox)
          .set({
            status: 'sending',
            attempts: 1,
            attemptedAt: at,
            leaseUntil: new Date(at.getTime() + 17_000),
            claimedBy: 'the dead process',
          })
          .where(eq(outbox.id, r.id)),
      );
    }
    h.twilio.messages.push({
      sid: 'SM0000000000000000000000000000accepted',
      to: ED,
      from: '+12817684800',
      body: edSms.body,
      receivedAt: at.getTime(),
    });
    h.slack.posts.C0EMERGENCY = [
      {
        channel: 'C0EMERGENCY',
        ts: `${Math.floor(at.getTime() / 1000)}.000100`,
        text: post.body,
        metadata: { event_type: 'switchboard_message', event_payload: { reference: `test:${post.id}` } },
        postedAt: at.getTime(),
      },
    ];

    h.startWorker(); // restart: the pending ones go at once; the interrupted ones wait for their lease
    await h.settle();
    expect(h.twilio.messages.filter((m) => m.to === ALAN)).toHaveLength(0);
    h.clock.advance(20_000);
    await h.settle();
    // Each text once: Ed's was found at Twilio, Alan's (never taken) sent now; the post found in Slack's history.
    expect(h.twilio.messages.map((m) => m.to).sort()).toEqual([ALAN, ED, '+13125550304'].sort());
    expect(h.slack.calls.filter((c) => c.method === 'chat.postMessage')).toHaveLength(0);
    expect(h.slack.calls.filter((c) => c.method === 'conversations.history')).toHaveLength(1);
    // The email is sent again (a second copy is acceptable; a lost page is not).
    expect(h.smtp.mails.filter((m) => m.to[0] === 'ed@example.com')).toHaveLength(1);
    const settled = await h.db.q.select().from(outbox);
    expect(settled.every((r) => r.status === 'sent')).toBe(true);
    expect(settled.find((r) => r.id === edSms.id)?.providerId).toBe('SM0000000000000000000000000000accepted');
    expect(settled.find((r) => r.id === post.id)?.providerId).toBe(`${Math.floor(at.getTime() / 1000)}.000100`);
  });
});
