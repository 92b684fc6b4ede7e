import { describe, expect, it } from 'vitest';
import { outbox, tickets } from '../../src/db/schema.js';
import { pagingHarness } from '../support/paging.js';
import { Caller } from '../support/phone.js';

const ED = '+15550200003';
const ALAN = '+15550200002';

describe('a burst of emergencies (an outage at a big client)', async () => {
  it('sends each person their first pages at once and the rest as one summary at the end of the minute, covering every ticket', async () => {
    const h = await pagingHarness();
    await h.stopWorker(); // the 200 calls arrive before the worker's next run
    for (let i = 0; i < 200; i++) {
      const caller = new Caller(h.app, `+1312555${String(1000 + i)}`);
      await caller.dial();
      await caller.press('5');
      await caller.press('');
      await caller.leaveVoicemail(10);
    }
    const all = await h.db.q.select().from(tickets);
    expect(all).toHaveLength(200);
    h.startWorker();
    await h.settle();

    const pagesTo = (phone: string) => h.twilio.messages.filter((m) => m.to === phone);
    expect(pagesTo(ED)).toHaveLength(3);
    expect(pagesTo(ALAN)).toHaveLength(3);
    expect(h.smtp.mails.filter((m) => m.to[0] === 'ed@example.com')).toHaveLength(3);

    h.clock.advance(60_000);
    await h.settle();
    expect(pagesTo(ED)).toHaveLength(4);
    const summary = pagesTo(ED)[3]!.body;
    expect(summary).toMatch(/^197 more emergencies: TK-\d+, TK-\d+/);
    expect(summary).toContain('and 172 more');
    expect(h.smtp.mails.filter((m) => m.to[0] === 'ed@example.com')).toHaveLength(4);

    // Every ticket is covered for every person on every bundled channel: sent alone or in a sent summary.
    const rows = await h.db.q.select().from(outbox);
    for (const staffId of ['ed', 'alan']) {
      for (const channel of ['sms', 'email'] as const) {
        const mine = rows.filter((r) => r.staffId === staffId && r.channel === channel);
        const covered = new Set<number>();
        for (const r of mine) {
          if (r.purpose === 'page' && r.status === 'sent') covered.add(r.ticketId!);
          if (r.purpose === 'page_summary' && r.status === 'sent')
            for (const id of r.payload!.ticketIds as number[]) covered.add(id);
        }
        expect(covered.size, `${staffId} ${channel}`).toBe(200);
        expect(mine.filter((r) => r.status === 'held' || r.status === 'pending')).toHaveLength(0);
      }
    }
    // Slack gets one post per emergency (the channel is the shared view); callers each get their text.
    expect(h.slack.calls.filter((c) => c.method === 'chat.postMessage')).toHaveLength(200);
    expect(h.twilio.messages.filter((m) => m.to.startsWith('+1312555'))).toHaveLength(200);
  }, 60_000);
});
