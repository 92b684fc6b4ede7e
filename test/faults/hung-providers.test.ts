import { describe, expect, it, vi } from 'vitest';
import { outbox, tickets } from '../../src/db/schema.js';
import { pagingHarness } from '../support/paging.js';
import { emergencyFromUnknown } from '../support/phone.js';

const ED = '+15550200003'; // on call
const ALAN = '+15550200002'; // the architect

type Harness = Awaited<ReturnType<typeof pagingHarness>>;

/** An emergency voicemail from an unknown number; the webhook's commit kicks the worker (nothing awaited here). */
async function emergency(h: Harness, from: string) {
  await emergencyFromUnknown(h.app, from);
  return (await h.db.q.select().from(tickets).orderBy(tickets.id)).at(-1)!;
}

const pagesTo = (h: Harness, phone: string, number: number) =>
  h.twilio.messages.filter((m) => m.to === phone && m.body.includes(`TK-${number}`));
const rowsOf = async (h: Harness, channel: string) =>
  (await h.db.q.select().from(outbox).orderBy(outbox.id)).filter((r) => r.channel === channel);

describe('a provider that hangs holds up only its own channel', async () => {
  it('texts and emails both emergencies at once while Slack never answers; the posts are sent once Slack is back', async () => {
    const h = await pagingHarness({ env: { SLACK_TIMEOUT: '2s' } });
    h.slack.state.hang = true;
    const started = Date.now();
    const first = await emergency(h, '+13125550601');
    const second = await emergency(h, '+13125550602');
    // Both emergencies reach both people by SMS and email well before Slack's 2 s timeout runs out.
    await vi.waitFor(
      () => {
        for (const t of [first, second])
          for (const phone of [ED, ALAN]) expect(pagesTo(h, phone, t.number)).toHaveLength(1);
        expect(h.smtp.mails).toHaveLength(4);
      },
      { timeout: 1500, interval: 10 },
    );
    expect(Date.now() - started).toBeLessThan(1500);
    expect((await rowsOf(h, 'slack')).every((r) => r.status === 'sending')).toBe(true);

    await h.settle(); // Slack's requests time out: the posts' outcome is unknown, not "sent"
    expect((await rowsOf(h, 'slack')).map((r) => r.status)).toEqual(['unknown', 'unknown']);
    h.slack.state.hang = false;
    h.clock.advance(6_000);
    await h.settle(); // settled: Slack's history has neither post, so each is posted now, once
    const posts = h.slack.calls.filter((c) => c.method === 'chat.postMessage');
    expect(posts).toHaveLength(2);
    expect(posts.map((p) => String(p.body.text))).toEqual(
      expect.arrayContaining([
        expect.stringContaining(`TK-${first.number}`),
        expect.stringContaining(`TK-${second.number}`),
      ]),
    );
    expect((await rowsOf(h, 'slack')).every((r) => r.status === 'sent')).toBe(true);
  });

  it('finds a post Slack took but never confirmed, by the reference in its metadata, and does not post it again', async () => {
    const h = await pagingHarness({ env: { SLACK_TIMEOUT: '300ms' } });
    h.slack.state.hangPosts = true;
    const ticket = await emergency(h, '+13125550603');
    await h.settle();
    const [row] = await rowsOf(h, 'slack');
    expect(row?.status).toBe('unknown');
    h.slack.state.hangPosts = false;
    h.clock.advance(6_000);
    await h.settle();
    const stored = h.slack.posts.C0EMERGENCY!;
    expect(stored).toHaveLength(1);
    expect(stored[0]!.text).toContain(`TK-${ticket.number}`);
    expect(h.slack.calls.filter((c) => c.method === 'chat.postMessage')).toHaveLength(1);
    expect((await rowsOf(h, 'slack'))[0]).toMatchObject({ status: 'sent', providerId: stored[0]!.ts });
  });

  it('texts at once while the mail server stalls, and sends the emails when it recovers', async () => {
    const h = await pagingHarness({ env: { SMTP_TIMEOUT: '300ms' } });
    h.smtp.state.stall = true;
    const ticket = await emergency(h, '+13125550604');
    await vi.waitFor(
      () => expect([...pagesTo(h, ED, ticket.number), ...pagesTo(h, ALAN, ticket.number)]).toHaveLength(2),
      { timeout: 250, interval: 10 },
    );
    await h.settle();
    expect((await rowsOf(h, 'email')).map((r) => r.status)).toEqual(['pending', 'pending']); // refused for now: retried
    h.smtp.state.stall = false;
    h.clock.advance(6_000);
    await h.settle();
    expect(h.smtp.mails.map((m) => m.to[0]).sort()).toEqual(['alan@example.com', 'ed@example.com']);
    expect((await rowsOf(h, 'email')).every((r) => r.status === 'sent')).toBe(true);
  });
});

describe('a text whose outcome is unknown is settled with Twilio before anything is sent again', async () => {
  it('counts a text Twilio took (then held or dropped the connection) as sent, and sends one it never took', async () => {
    const h = await pagingHarness({ env: { TWILIO_TIMEOUT: '300ms' } });
    h.twilio.fault = (kind, form) => {
      if (kind !== 'message') return undefined;
      if (form.To === ED) return { mode: 'hold' }; // taken, then no answer
      if (form.To === ALAN) return { mode: 'drop-before' }; // the connection broke before Twilio had it
      return undefined;
    };
    const ticket = await emergency(h, '+13125550605');
    await h.settle();
    const sms = (await rowsOf(h, 'sms')).filter((r) => r.staffId);
    expect(sms.map((r) => r.status)).toEqual(['unknown', 'unknown']);
    expect(pagesTo(h, ED, ticket.number)).toHaveLength(1); // Twilio has it, though the service never heard back
    expect(pagesTo(h, ALAN, ticket.number)).toHaveLength(0);
    h.twilio.fault = undefined;
    h.clock.advance(6_000);
    await h.settle();
    // Ed's was found in Twilio's list: not sent twice. Alan's was not there: sent now.
    expect(pagesTo(h, ED, ticket.number)).toHaveLength(1);
    expect(pagesTo(h, ALAN, ticket.number)).toHaveLength(1);
    const settled = (await rowsOf(h, 'sms')).filter((r) => r.staffId);
    expect(settled.every((r) => r.status === 'sent')).toBe(true);
    expect(settled.find((r) => r.staffId === 'ed')?.providerId).toBe(pagesTo(h, ED, ticket.number)[0]!.sid);
    expect(h.twilio.listRequests.filter((l) => l.resource === 'Messages')).toHaveLength(2);
  });

  it('asks again later when Twilio cannot be asked, and sends nothing blindly meanwhile', async () => {
    const h = await pagingHarness({ env: { TWILIO_TIMEOUT: '300ms' } });
    h.twilio.fault = (kind, form) =>
      kind === 'message' && form.To === ED
        ? { mode: 'drop-after' }
        : kind === 'list'
          ? { mode: 'drop-before' }
          : undefined;
    const ticket = await emergency(h, '+13125550606');
    await h.settle();
    h.clock.advance(6_000);
    await h.settle(); // the list request fails: still unknown, nothing re-sent
    const row = (await rowsOf(h, 'sms')).find((r) => r.staffId === 'ed')!;
    expect(row.status).toBe('unknown');
    expect(row.lastError).toContain('could not settle');
    h.twilio.fault = undefined;
    h.clock.advance(60_000);
    await h.settle();
    expect(pagesTo(h, ED, ticket.number)).toHaveLength(1);
    expect((await rowsOf(h, 'sms')).find((r) => r.staffId === 'ed')?.status).toBe('sent');
  });
});
