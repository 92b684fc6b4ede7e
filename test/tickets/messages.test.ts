import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { auth, signedIn } from '../support/app.js';
import { csrfOf, mailsTo, openOnPortal, portalHarness, portalSignIn } from '../support/portal.js';

/** Staff write on a ticket: a reply to the client (emailed, and on the portal), or a note only staff see. */
describe('staff messages on a ticket', async () => {
  const h = await portalHarness();
  const dana = await portalSignIn(h, 'dana@acme.example');
  const number = await openOnPortal(dana, { subject: 'Shared drive is read-only', line: 'software' });
  const messages = (body: Record<string, unknown>, n: number | string = number) =>
    request(h.app).post(`/api/tickets/${n}/messages`).set(auth).send(body);

  it('POST /api/tickets/:number/messages replies to the requester by email, in the conversation', async () => {
    const res = await messages({ staffId: 'erin', body: 'Try mapping it again now.' }).expect(201);
    expect(res.body).toMatchObject({
      direction: 'out',
      channel: 'staff',
      internal: false,
      staffId: 'erin',
      body: 'Try mapping it again now.',
      toAddress: 'dana@acme.example',
    });
    await h.settle();
    const mail = (await mailsTo(h, 'dana@acme.example')).find((m) => m.text.includes('Try mapping it again now.'));
    expect(mail?.subject).toBe(`Re: [TK-${number}] Shared drive is read-only`);
  });

  it('with internal: true, keeps a note that nobody outside is sent or shown', async () => {
    const before = h.smtp.mails.length;
    const res = await messages({ staffId: 'erin', body: 'Their NAS firmware is ancient.', internal: true }).expect(201);
    expect(res.body).toMatchObject({ internal: true, channel: 'staff', toAddress: '' });
    await h.settle();
    expect(h.smtp.mails.length).toBe(before);
    const ticket = (await request(h.app).get(`/api/tickets/${number}`).set(auth).expect(200)).body;
    expect(ticket.messages.find((m: { body: string }) => m.body === 'Their NAS firmware is ancient.')).toMatchObject({
      internal: true,
    });
  });

  it('answers bad input clearly', async () => {
    expect((await messages({ staffId: 'erin', body: '   ' })).status).toBe(400);
    expect((await messages({ staffId: 'nobody', body: 'Hi' })).status).toBe(400);
    expect((await messages({ staffId: 'erin', body: 'Hi', internal: 'yes' })).status).toBe(400);
    expect((await messages({ staffId: 'erin', body: 'Hi', cc: 'x' })).body.error.message).toContain('cc');
    expect((await messages({ staffId: 'erin', body: 'Hi' }, 999_999)).status).toBe(404);
    expect((await messages({ staffId: 'erin', body: 'Hi' }, 'abc')).status).toBe(400);
    expect(
      (await request(h.app).post(`/api/tickets/${number}/messages`).send({ staffId: 'erin', body: 'x' })).status,
    ).toBe(401);
  });

  it('separates Reply to the client from Internal note on the dashboard, and shows where each message came from', async () => {
    const staff = await signedIn(h, { email: 'erin@example.com', name: 'Erin Engineer', role: 'engineer' });
    const page = await staff.agent.get(`/dashboard/tickets/${number}`).expect(200);
    expect(page.text).toContain('Reply to the client');
    expect(page.text).toContain('Internal note');
    expect(page.text).toMatch(/data-channel="portal"/);
    expect(page.text).toMatch(/data-channel="staff"/);
    expect(page.text).toContain('on the portal');
    const csrf = csrfOf(page.text);
    await staff.agent
      .post(`/dashboard/tickets/${number}/note`)
      .type('form')
      .send({ _csrf: csrf, text: 'Called their IT, they will update the NAS.' })
      .expect(303);
    await staff.agent
      .post(`/dashboard/tickets/${number}/reply`)
      .type('form')
      .send({ _csrf: csrf, text: 'We updated the NAS firmware; please check.' })
      .expect(303);
    const after = await staff.agent.get(`/dashboard/tickets/${number}`).expect(200);
    expect(after.text).toMatch(/data-internal[^>]*>[\s\S]*Called their IT/);
    const portal = await dana.agent.get(`/portal/tickets/${number}`).expect(200);
    expect(portal.text).toContain('We updated the NAS firmware; please check.');
    expect(portal.text).not.toContain('Called their IT');
  });
});
