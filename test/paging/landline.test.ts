import { describe, expect, it } from 'vitest';
import { tickets } from '../../src/db/schema.js';
import { organisationFrom } from '../support/organisation.js';
import { pagingHarness } from '../support/paging.js';
import { emergencyFromUnknown, twilioPost } from '../support/phone.js';
import { parseTwiml, spoken } from '../support/twiml.js';

const ED = '+15550200003';
const ALAN = '+15550200002';

describe('a staff phone marked landline: true', async () => {
  // Ed is on call this Monday evening; his desk phone takes no texts.
  const h = await pagingHarness({
    organisation: organisationFrom(undefined, (doc) => {
      doc.staff.find((s: { id: string }) => s.id === 'ed').landline = true;
    }),
  });

  it('is never texted: the page comes as a call, 1 takes the ticket, and the email still goes', async () => {
    await emergencyFromUnknown(h.app, '+13125550601');
    await h.settle();
    const ticket = (await h.db.q.select().from(tickets)).at(-1)!;
    expect(h.twilio.messages.filter((m) => m.to === ED)).toHaveLength(0);
    expect(h.twilio.messages.filter((m) => m.to === ALAN).map((m) => m.body)).toEqual([
      expect.stringMatching(/^EMERGENCY TK-\d+/),
    ]);
    expect(h.smtp.mails.some((m) => m.to.includes('ed@example.com') && m.raw.includes(`TK-${ticket.number}`))).toBe(
      true,
    );
    const calls = h.twilio.calls.filter((c) => c.to === ED);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.from).toBe('+12817684800');
    const answered = parseTwiml(
      (await twilioPost(h.app, calls[0]!.url, { CallSid: calls[0]!.sid, AnsweredBy: 'human' }).expect(200)).text,
    );
    expect(spoken(answered)).toContain('press 1');
    const gather = answered.find((v) => v.verb === 'Gather')!;
    await twilioPost(h.app, gather.attrs.action!, { CallSid: calls[0]!.sid, Digits: '1' }).expect(200);
    expect((await h.db.q.select().from(tickets)).at(-1)).toMatchObject({
      status: 'acknowledged',
      acknowledgedBy: 'ed',
    });
    await h.settle();
    // Being told someone took it is a text for others; for the landline, nothing by phone.
    expect(h.twilio.messages.filter((m) => m.to === ED)).toHaveLength(0);
  });
});
