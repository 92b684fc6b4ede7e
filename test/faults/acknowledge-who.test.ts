import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { outbox, tickets } from '../../src/db/schema.js';
import { ackLink } from '../../src/tickets/index.js';
import { pagingHarness } from '../support/paging.js';
import { emergencyFromUnknown, PUBLIC_URL, twilioPost } from '../support/phone.js';

const ED = '+15550200003'; // on call this week: paged
const ERIN = '+15550200001'; // an engineer, not on call: not paged
const OLIVE = '+15550200004'; // the office

const h = await pagingHarness();

async function emergency(from: string) {
  await emergencyFromUnknown(h.app, from);
  await h.settle();
  return (await h.db.q.select().from(tickets).orderBy(tickets.id)).at(-1)!;
}

const text = async (from: string, body: string) =>
  (
    await twilioPost(h.app, '/twilio/sms', {
      MessageSid: `SM${Date.now()}`,
      From: from,
      To: '+12817684800',
      Body: body,
    }).expect(200)
  ).text;
const ticketNow = async (id: number) => (await h.db.q.select().from(tickets).where(eq(tickets.id, id)))[0]!;

describe('who may take an emergency', async () => {
  it('asks someone who was not paged to confirm, says whose it is, and takes it on YES', async () => {
    const ticket = await emergency('+13125551101');
    const asked = await text(ERIN, `ACK ${ticket.number}`);
    expect(asked).toContain(
      `TK-${ticket.number} is paged to Ed Engineer and Alan Architect, caller +13125551101. To take it anyway, reply YES ${ticket.number}.`,
    );
    expect((await ticketNow(ticket.id)).status).toBe('new'); // a typo cannot silence it
    const taken = await text(ERIN, `yes ${ticket.number}`);
    expect(taken).toContain(`TK-${ticket.number} is yours.`);
    expect(await ticketNow(ticket.id)).toMatchObject({ status: 'acknowledged', acknowledgedBy: 'erin' });
    await h.settle();
    expect(h.twilio.messages.filter((m) => m.to === ED).at(-1)?.body).toContain(
      `TK-${ticket.number} was taken by Erin Engineer`,
    );
    const timeline = (
      await request(h.app)
        .get(`/api/tickets/${ticket.number}`)
        .set({ Authorization: 'Bearer test-token-0123456789' })
        .expect(200)
    ).body.timeline;
    expect(timeline.map((e: { type: string }) => e.type)).toEqual(
      expect.arrayContaining(['ack_offered', 'acknowledged']),
    );
  });

  it('takes it at once for someone paged about it, and YES alone means nothing without the question', async () => {
    const ticket = await emergency('+13125551102');
    expect(await text(OLIVE, `YES ${ticket.number}`)).toContain(`Reply ACK ${ticket.number} first.`);
    expect((await ticketNow(ticket.id)).status).toBe('new');
    expect(await text(ED, `ACK ${ticket.number}`)).toContain(`TK-${ticket.number} is yours.`);
  });

  it('gives the caller’s number (CALL) only to those paged or on call', async () => {
    const ticket = await emergency('+13125551103');
    const calls = async () =>
      (await h.db.q.select().from(outbox)).filter((r) => r.channel === 'voice' && r.ticketId === ticket.id);
    const refused = await text(OLIVE, `CALL ${ticket.number}`);
    expect(refused).toContain(`CALL is for the people paged about TK-${ticket.number} or on call.`);
    expect(refused).not.toContain('+13125551103');
    expect(await calls()).toHaveLength(0);
    expect(await text(ED, `CALL ${ticket.number}`)).toContain('Calling you now from the helpdesk number');
    expect(await calls()).toHaveLength(1);
  });

  it('asks for confirmation on a link of someone no longer responsible for the ticket', async () => {
    const ticket = await emergency('+13125551104');
    const link = ackLink(PUBLIC_URL, h.services.linkSecret, ticket.id, 'erin', h.clock.now()).slice(PUBLIC_URL.length);
    const question = await request(h.app).post(link).type('form').send({}).expect(200);
    expect(question.text).toContain(`TK-${ticket.number} is paged to Ed Engineer and Alan Architect`);
    expect(question.text).toContain('Take it anyway');
    expect(question.headers['cache-control']).toBe('no-store');
    expect((await ticketNow(ticket.id)).status).toBe('new');
    const taken = await request(h.app).post(link).type('form').send({ confirm: 'yes' }).expect(200);
    expect(taken.text).toContain(`TK-${ticket.number} is yours.`);
    expect((await ticketNow(ticket.id)).acknowledgedBy).toBe('erin');
  });
});
