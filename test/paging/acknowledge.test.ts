import { createHmac } from 'node:crypto';
import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import { outbox, tickets } from '../../src/db/schema.js';
import { parseText } from '../../src/ivr/index.js';
import { auth } from '../support/app.js';
import { pagingHarness } from '../support/paging.js';
import { emergencyFromUnknown, PUBLIC_URL } from '../support/phone.js';

describe('reading an SMS acknowledgement', async () => {
  it.each([
    ['ACK 1042', 1042],
    ['ack1042', 1042],
    ['  Ack   1042 ', 1042],
    ['1042 ack', 1042],
    ['A 1042', 1042],
    ['ACK TK-1042', 1042],
    ['tk1042 ACK', 1042],
    ['ack #1042', 1042],
  ])('reads %j as ticket %i', (body, number) => {
    expect(parseText(body)).toEqual({ kind: 'ack', number });
  });
  it.each(['A', 'ack', 'Ok'])('reads %j as "the one waiting for me"', (body) => {
    expect(parseText(body)).toEqual({ kind: 'ack' });
  });
  it.each(['hello', 'ACK ACK', 'call me', ''])('does not read %j as an acknowledgement', (body) => {
    expect(parseText(body)?.kind).not.toBe('ack');
  });
});

const h = await pagingHarness();
const SECRET = 'slack-signing-secret';

function slackClick(user: string, value: string, at = Math.floor(h.clock.now().getTime() / 1000), secret = SECRET) {
  const payload = JSON.stringify({
    type: 'block_actions',
    user: { id: user },
    actions: [{ action_id: 'acknowledge', value }],
  });
  return slackPost(payload, at, secret);
}

/** A signed Slack request whose `payload` field holds this text. */
function slackPost(payload: string, at = Math.floor(h.clock.now().getTime() / 1000), secret = SECRET) {
  const body = `payload=${encodeURIComponent(payload)}`;
  const signature = `v0=${createHmac('sha256', secret).update(`v0:${at}:${body}`).digest('hex')}`;
  return request(h.app)
    .post('/slack/actions')
    .set('content-type', 'application/x-www-form-urlencoded')
    .set('x-slack-request-timestamp', String(at))
    .set('x-slack-signature', signature)
    .send(body);
}

async function emergency(from: string) {
  await emergencyFromUnknown(h.app, from);
  await h.settle();
  return (await h.db.q.select().from(tickets)).at(-1)!;
}

describe('acknowledging from Slack, a link and the API', async () => {
  let first: { number: number; id: number };
  beforeAll(async () => {
    first = await emergency('+13125550401');
  });

  it('refuses a Slack click with a wrong or five-minute-old signature', async () => {
    await slackClick('U0123', String(first.number), undefined, 'wrong-secret').expect(401);
    await slackClick('U0123', String(first.number), Math.floor(h.clock.now().getTime() / 1000) - 301).expect(401);
    expect((await h.db.q.select().from(tickets)).at(-1)!.status).toBe('new');
  });

  it.each(['null', '42', '"acknowledge"', '[]', '{"actions": "acknowledge"}', '{"user": null}'])(
    'answers a signed Slack payload of %s with a clear 400, not a 500',
    async (payload) => {
      const res = await slackPost(payload).expect(400);
      expect(res.body.error).toMatchObject({ code: 'bad_payload' });
      expect(res.body.error.message).toContain('payload');
    },
  );

  it('takes the ticket for the staff member linked to the Slack user who clicked', async () => {
    // Erin is linked to Slack user U0123 in the organisation file.
    const res = await slackClick('U0123', String(first.number)).expect(200);
    expect(res.body.text).toBe(`TK-${first.number} is yours. Everyone else paged has been told.`);
    expect((await h.db.q.select().from(tickets)).at(-1)).toMatchObject({
      status: 'acknowledged',
      acknowledgedBy: 'erin',
    });
    const again = await slackClick('U0123', String(first.number)).expect(200);
    expect(again.body.text).toBe(`TK-${first.number} was already taken by Erin Engineer.`);
    const stranger = await slackClick('U9999', String(first.number)).expect(200);
    expect(stranger.body.text).toContain('not linked to anyone on the staff list');
  });

  it('shows a button on opening the link (previews change nothing) and takes the ticket when pressed', async () => {
    const ticket = await emergency('+13125550402');
    const sms = (await h.db.q.select().from(outbox)).find(
      (r) => r.ticketId === ticket.id && r.staffId === 'alan' && r.channel === 'sms',
    )!;
    const link = /open (https:\/\/\S+?)\.$/.exec(sms.body)![1]!;
    const path = link.slice(PUBLIC_URL.length);
    const shown = await request(h.app).get(path).expect(200);
    expect(shown.text).toContain(`Take TK-${ticket.number} as Alan Architect`);
    expect((await h.db.q.select().from(tickets)).at(-1)!.status).toBe('new');
    const taken = await request(h.app).post(path).expect(200);
    expect(taken.text).toContain(`TK-${ticket.number} is yours.`);
    expect((await h.db.q.select().from(tickets)).at(-1)).toMatchObject({ acknowledgedBy: 'alan' });
    await request(h.app).post(path).expect(409);
    await request(h.app).post(path.replace('/alan?', '/ed?')).expect(403); // the link is Alan's alone
  });

  it('acknowledges through the API, and refuses a second or an unknown ticket', async () => {
    const ticket = await emergency('+13125550403');
    const res = await request(h.app)
      .post(`/api/tickets/TK-${ticket.number}/ack`)
      .set(auth)
      .send({ staffId: 'ed' })
      .expect(200);
    expect(res.body).toMatchObject({ status: 'acknowledged', acknowledgedBy: 'ed' });
    await request(h.app).post(`/api/tickets/${ticket.number}/ack`).set(auth).send({ staffId: 'alan' }).expect(409);
    await request(h.app).post('/api/tickets/99999/ack').set(auth).send({ staffId: 'alan' }).expect(404);
    await request(h.app).post(`/api/tickets/${ticket.number}/ack`).set(auth).send({}).expect(400);
  });
});
