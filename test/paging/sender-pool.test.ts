import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { tickets } from '../../src/db/schema.js';
import { auth } from '../support/app.js';
import { MESSAGING_SERVICE_SID, SENDER_POOL } from '../support/fake-twilio.js';
import { organisationFrom } from '../support/organisation.js';
import { pagingHarness } from '../support/paging.js';
import { emergencyFromUnknown, twilioPost } from '../support/phone.js';

// TWILIO_MESSAGING_SERVICE_SID: texts go from the Messaging Service's pool of numbers; calls cannot, and
// still come from the helpdesk number.
const HELPDESK = '+12817684800';
const ED = '+15550200003'; // on call this Monday evening, on a desk phone: paged by a call
const ALAN = '+15550200002'; // the architect, paged by text

describe('pages through a Messaging Service', async () => {
  const h = await pagingHarness({
    env: { TWILIO_MESSAGING_SERVICE_SID: MESSAGING_SERVICE_SID },
    organisation: organisationFrom(undefined, (doc) => {
      doc.staff.find((s: { id: string }) => s.id === 'ed').landline = true;
    }),
  });

  it('texts from the pool (MessagingServiceSid, no From), calls from the helpdesk number; replies and receipts work', async () => {
    await emergencyFromUnknown(h.app, '+13125550701');
    await h.settle();
    const ticket = (await h.db.q.select().from(tickets)).at(-1)!;

    const page = h.twilio.messages.find((m) => m.to === ALAN)!;
    expect(page.body).toMatch(new RegExp(`^EMERGENCY TK-${ticket.number}`));
    expect(h.twilio.messages.length).toBeGreaterThan(0);
    for (const text of h.twilio.messages) {
      expect(text.messagingServiceSid).toBe(MESSAGING_SERVICE_SID);
      expect(text.requestedFrom).toBeUndefined();
      expect(SENDER_POOL).toContain(text.from);
    }
    const calls = h.twilio.calls.filter((c) => c.to === ED);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.from).toBe(HELPDESK);

    // Twilio's receipt for the page reaches the ticket's timeline, as without a Messaging Service.
    await twilioPost(h.app, page.statusCallback!, {
      MessageSid: page.sid,
      MessageStatus: 'delivered',
      To: ALAN,
      From: page.from,
    }).expect(200);
    // Alan answers the pool number the page came from; the service's incoming webhook brings it here.
    const reply = await twilioPost(h.app, '/twilio/sms', {
      MessageSid: 'SMin1',
      From: ALAN,
      To: page.from,
      Body: `ACK ${ticket.number}`,
    }).expect(200);
    expect(reply.text).toContain(`TK-${ticket.number} is yours.`);
    const shown = await request(h.app).get(`/api/tickets/${ticket.number}`).set(auth).expect(200);
    expect(shown.body.status).toBe('acknowledged');
    const delivered = shown.body.timeline.filter((e: { type: string }) => e.type === 'page_delivered');
    expect(delivered).toHaveLength(1);
    expect(JSON.stringify(delivered[0])).toContain('"to":"alan"');
  });
});
