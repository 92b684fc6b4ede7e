import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { takeMessage } from '../../src/email/index.js';
import { recordVoicemail } from '../../src/tickets/index.js';
import { auth } from '../support/app.js';
import { message } from '../support/mail-messages.js';
import {
  apiTicket,
  csrfOf,
  mailsTo,
  openOnPortal,
  portalHarness,
  portalOrganisation,
  portalSignIn,
  type PortalAgent,
} from '../support/portal.js';

const LOG = Buffer.from('2026-11-24 08:59 spooler: printer floor-2 offline\n');

describe('a contact’s tickets on the portal', async () => {
  const h = await portalHarness();
  // Signed in again when the clock has moved past a session's idle time.
  let dana = await portalSignIn(h, 'dana@acme.example');
  let bo = await portalSignIn(h, 'bo@beta.example');
  const staffReply = (number: number, body: string, internal?: boolean) =>
    request(h.app)
      .post(`/api/tickets/${number}/messages`)
      .set(auth)
      .send({ staffId: 'erin', body, ...(internal ? { internal } : {}) });
  const post = (who: PortalAgent, path: string, fields: Record<string, string> = {}) =>
    who.agent
      .post(path)
      .type('form')
      .send({ _csrf: who.csrf, ...fields });
  let number = 0;

  it('offers the lines of a contract that covers several, and the priorities a form may ask for', async () => {
    const form = await dana.agent.get('/portal/tickets/new').expect(200);
    expect(form.text).toContain('name="subject"');
    expect(form.text).toContain('<option value="noc">Network operations</option>');
    expect(form.text).toContain('<option value="software">Software support</option>');
    expect(form.text).toContain('value="high"');
    expect(form.text).not.toContain('value="critical"');
    expect(form.text).toContain('type="file"');
    // A contract with one line asks nothing.
    const single = await bo.agent.get('/portal/tickets/new').expect(200);
    expect(single.text).not.toContain('name="line"');
  });

  it('opens a ticket with a file: the contract’s SLA, the line, the file kept as sent', async () => {
    number = await openOnPortal(
      dana,
      {
        subject: 'Printer on floor 2 offline',
        body: 'Nobody on floor 2 can print since this morning.',
        line: 'noc',
        priority: 'high',
      },
      [{ name: 'spooler log.txt', content: LOG, type: 'text/x-log' }],
    );
    const ticket = await apiTicket(h, number);
    expect(ticket).toMatchObject({
      source: 'portal',
      line: 'noc',
      priority: 'high',
      status: 'new',
      summary: 'Printer on floor 2 offline',
      client: { name: 'Acme Dental' },
    });
    // Premium's High is 8 business hours: Tuesday 09:00 → 17:00 in Chicago.
    expect(ticket.slaDueAt).toBe('2026-11-24T23:00:00.000Z');
    expect(ticket.messages[0]).toMatchObject({ channel: 'portal', direction: 'in', fromAddress: 'dana@acme.example' });
    expect(ticket.messages[0].attachments[0]).toMatchObject({
      filename: 'spooler log.txt',
      contentType: 'text/x-log',
      size: LOG.length,
    });

    const page = await dana.agent.get(`/portal/tickets/${number}`).expect(200);
    expect(page.text).toContain(`TK-${number} · Printer on floor 2 offline`);
    expect(page.text).toContain('Network operations');
    expect(page.text).toContain('High');
    expect(page.text).toContain('Received');
    expect(page.text).toContain('17:00');
    expect(page.text).toContain('Nobody on floor 2 can print since this morning.');
    const href = /href="(\/portal\/tickets\/\d+\/attachments\/\d+)"/.exec(page.text)![1]!;
    const file = await dana.agent.get(href).buffer(true).expect(200);
    expect(Buffer.from(file.body).equals(LOG)).toBe(true);
    expect(file.headers['content-disposition']).toMatch(/^attachment; filename="spooler log.txt"/);
    expect(file.headers['content-type']).toBe('application/octet-stream');
    expect(file.headers['content-security-policy']).toContain('sandbox');
    expect(file.headers['x-content-type-options']).toBe('nosniff');
  });

  it('sends the same [TK-n] automatic reply as email, with the portal’s address, and an email reply joins it', async () => {
    await h.settle();
    const reply = (await mailsTo(h, 'dana@acme.example')).find((m) => m.subject.includes(`[TK-${number}]`))!;
    expect(reply.subject).toBe(`Re: [TK-${number}] Printer on floor 2 offline`);
    expect(reply.text).toContain(`http://helpdesk.test/portal/tickets/${number}`);
    expect(reply.text).toContain('http://helpdesk.test/status');
    expect(reply.text).toContain(`press 3 and enter ${number}`);
    expect(reply.inReplyTo).toBeDefined();

    // Dana answers the automatic reply from her mail program, subject changed: the thread still finds the ticket.
    const answer = message({
      from: 'Dana Dentist <dana@acme.example>',
      subject: 'more details',
      body: 'It is the HP on the left.',
      headers: [`In-Reply-To: ${reply.messageId}`, `References: ${reply.messageId}`],
    });
    const deps = { db: h.db, log: h.log, organisation: h.config.organisation, tickets: h.services.tickets };
    expect(await takeMessage(deps, Buffer.from(answer.raw))).toMatchObject({ outcome: 'added', ticketNumber: number });
    const page = await dana.agent.get(`/portal/tickets/${number}`).expect(200);
    expect(page.text).toContain('It is the HP on the left.');
  });

  it('shows staff replies, never internal notes, and emails only the reply', async () => {
    await staffReply(number, 'Is it the HP or the Brother?').expect(201);
    await staffReply(number, 'Toner order pending with the supplier, do not tell them yet', true).expect(201);
    const page = await dana.agent.get(`/portal/tickets/${number}`).expect(200);
    expect(page.text).toContain('Is it the HP or the Brother?');
    expect(page.text).toContain('Erin Engineer');
    expect(page.text).not.toContain('Toner order pending');
    expect(page.text).not.toContain('+15550200001');
    await h.settle();
    const mails = (await mailsTo(h, 'dana@acme.example')).map((m) => m.text).join('\n');
    expect(mails).toContain('Is it the HP or the Brother?');
    expect(mails).not.toContain('Toner order pending');
  });

  it('takes a reply with a file exactly as an email reply: back in progress, and whoever has it is told', async () => {
    await request(h.app)
      .patch(`/api/tickets/${number}`)
      .set(auth)
      .send({ staffId: 'erin', status: 'in_progress' })
      .expect(200);
    await request(h.app)
      .patch(`/api/tickets/${number}`)
      .set(auth)
      .send({ staffId: 'erin', status: 'waiting_on_customer', message: 'Which model is it?' })
      .expect(200);
    const res = await dana.agent
      .post(`/portal/tickets/${number}/replies`)
      .field('_csrf', dana.csrf)
      .field('body', 'The HP LaserJet M404, photo attached.')
      .attach('attachments', Buffer.from('fake jpeg'), { filename: 'photo.jpg', contentType: 'image/jpeg' });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(`/portal/tickets/${number}`);
    const ticket = await apiTicket(h, number);
    expect(ticket.status).toBe('in_progress');
    expect(ticket.messages.at(-1)).toMatchObject({ channel: 'portal', body: 'The HP LaserJet M404, photo attached.' });
    expect(ticket.timeline.map((e: { type: string }) => e.type)).toContain('portal_message');
    await h.settle();
    const told = (await mailsTo(h, 'erin@example.com')).map((m) => m.text).join('\n');
    expect(told).toContain('The HP LaserJet M404, photo attached.');
    const page = await dana.agent.get(`/portal/tickets/${number}`).expect(200);
    expect(page.text).toContain('photo.jpg');
    expect(page.text).toContain('In progress');
    expect(page.text).toContain('Erin Engineer');
  });

  it('closes a ticket as solved by the client, on the timeline, and reopens it within 14 days', async () => {
    await post(dana, `/portal/tickets/${number}/solved`).expect(303);
    let ticket = await apiTicket(h, number);
    expect(ticket.status).toBe('resolved');
    const closed = ticket.timeline.findLast((e: { type: string }) => e.type === 'status_changed');
    expect(closed.detail).toMatchObject({ to: 'resolved', by: 'client' });
    expect(closed.actor).toBe('dana@acme.example');
    const page = await dana.agent.get(`/portal/tickets/${number}`).expect(200);
    expect(page.text).toContain('Solved');
    expect(page.text).toContain('Reopen the ticket');

    h.clock.advance(13 * 24 * 3_600_000);
    dana = await portalSignIn(h, 'dana@acme.example');
    await post(dana, `/portal/tickets/${number}/reopen`).expect(303);
    ticket = await apiTicket(h, number);
    expect(ticket.status).toBe('in_progress');

    await post(dana, `/portal/tickets/${number}/solved`).expect(303);
    h.clock.advance(15 * 24 * 3_600_000);
    dana = await portalSignIn(h, 'dana@acme.example');
    bo = await portalSignIn(h, 'bo@beta.example');
    const refused = await post(dana, `/portal/tickets/${number}/reopen`);
    expect(refused.status).toBe(409);
    expect(refused.text).toContain('more than 14 days ago');
    expect((await apiTicket(h, number)).status).toBe('resolved');
    const lastPage = await dana.agent.get(`/portal/tickets/${number}`).expect(200);
    expect(lastPage.text).not.toContain('Reopen the ticket');
  });

  it('refuses an empty or one-word subject, a critical priority and a line outside the contract, opening nothing', async () => {
    const who = await portalSignIn(h, 'rob@acme.example');
    const before = (await request(h.app).get('/api/tickets').set(auth)).body.length;
    for (const subject of ['', '   ', 'Help', 'printer!'] as const) {
      const res = await who.agent
        .post('/portal/tickets')
        .type('form')
        .send({ _csrf: who.csrf, subject, body: 'It is broken', line: 'software', priority: 'medium' });
      expect(res.status).toBe(400);
      expect(res.text).toContain('a subject of a few words');
      expect(res.text).toContain('It is broken'); // what they wrote is kept in the form
    }
    const critical = await who.agent
      .post('/portal/tickets')
      .type('form')
      .send({ _csrf: who.csrf, subject: 'Server room is on fire', line: 'software', priority: 'critical' });
    expect(critical.status).toBe(400);
    expect(critical.text).toContain('press 5');
    const line = await bo.agent
      .post('/portal/tickets')
      .type('form')
      .send({ _csrf: bo.csrf, subject: 'Router keeps rebooting', line: 'noc', priority: 'low' });
    expect(line.status).toBe(400);
    expect((await request(h.app).get('/api/tickets').set(auth)).body.length).toBe(before);
  });

  it('refuses a file over the size limit with a clear answer', async () => {
    const res = await dana.agent
      .post('/portal/tickets')
      .field('_csrf', dana.csrf)
      .field('subject', 'Big log file attached')
      .field('line', 'software')
      .field('priority', 'low')
      .attach('attachments', Buffer.alloc(10 * 1024 * 1024 + 1, 65), { filename: 'huge.log' });
    expect(res.status).toBe(413);
    expect(res.text).toContain('huge.log');
    expect(res.text).toContain('10 MB');
  });

  it('puts a contract with one line on that line', async () => {
    const n = await openOnPortal(bo, { subject: 'Oven display flickers', priority: 'low' });
    expect((await apiTicket(h, n)).line).toBe('software');
  });

  it('lists open tickets first, then recent closed ones, and filters by status', async () => {
    const open = await openOnPortal(dana, { subject: 'Wifi slow in the lab', line: 'noc', priority: 'low' });
    const list = await dana.agent.get('/portal/tickets').expect(200);
    const order = [...list.text.matchAll(/href="\/portal\/tickets\/(\d+)"/g)].map((m) => Number(m[1]));
    expect(order.indexOf(open)).toBeGreaterThanOrEqual(0);
    expect(order.indexOf(open)).toBeLessThan(order.indexOf(number));
    const closed = await dana.agent.get('/portal/tickets?status=closed').expect(200);
    expect(closed.text).toContain(`TK-${number}`);
    expect(closed.text).not.toContain(`TK-${open}`);
    const openOnly = await dana.agent.get('/portal/tickets?status=open').expect(200);
    expect(openOnly.text).toContain(`TK-${open}`);
    expect(openOnly.text).not.toContain(`TK-${number}`);
    // Someone else at the same client sees them too (portal.visibility: company, the default).
    const rob = await portalSignIn(h, 'rob@acme.example');
    expect((await rob.agent.get('/portal/tickets').expect(200)).text).toContain(`TK-${open}`);
  });

  it('shows a phone ticket as a plain summary: no recording, transcription, staff phone or billing', async () => {
    const made = await recordVoicemail(h.services.tickets, {
      recordingSid: 'RE70000000000000000000000000000001',
      callSid: 'CA70000000000000000000000000000001',
      kind: 'emergency',
      durationSeconds: 40,
      callerNumber: '+12815550142',
      clientId: h.acme.id,
      contactId: h.acme.contacts[0].id,
      source: 'record_action',
      canAskAgain: false,
    });
    if (made.result !== 'created') throw new Error(made.result);
    h.clock.advance(3 * 60_000);
    await request(h.app).post(`/api/tickets/${made.ticket.number}/ack`).set(auth).send({ staffId: 'erin' }).expect(200);
    const page = await dana.agent.get(`/portal/tickets/${made.ticket.number}`).expect(200);
    expect(page.text).toMatch(/Emergency voicemail left at \d\d:\d\d · taken by Erin Engineer at \d\d:\d\d/);
    expect(page.text).not.toContain('+15550200001');
    expect(page.text).not.toContain('RE70000000000000000000000000000001');
    expect(page.text).not.toMatch(/voicemails\/\d+/);
    expect(page.text).not.toMatch(/billable|billed/i);
  });

  it('shows the account: support code, contract level and its times, packages, contacts, the phone menu', async () => {
    await request(h.app)
      .post(`/api/clients/${h.acme.id}/packages`)
      .set(auth)
      .send({ unit: 'tickets', quantity: 10 })
      .expect(201);
    const page = await dana.agent.get('/portal/account').expect(200);
    expect(page.text).toContain('4417');
    expect(page.text).toContain('premium');
    expect(page.text).toContain('8 h'); // premium's High
    expect(page.text).toContain('Dana Dentist');
    expect(page.text).toContain('Rob Reception');
    expect(page.text).toContain('+12817684800');
    expect(page.text).toMatch(/10 tickets/);
    for (const key of ['5', '2', '3']) expect(page.text).toContain(`<kbd>${key}</kbd>`);
    expect(csrfOf(page.text)).toBe(dana.csrf);
  });
});

describe('portal.visibility: own', async () => {
  const h = await portalHarness({ organisation: portalOrganisation((doc) => (doc.portal = { visibility: 'own' })) });
  const dana = await portalSignIn(h, 'dana@acme.example');
  const rob = await portalSignIn(h, 'rob@acme.example');

  it('shows a contact only the tickets they opened or asked for', async () => {
    const danas = await openOnPortal(dana, { subject: 'Dana’s laptop is slow', line: 'software' });
    const robs = await openOnPortal(rob, { subject: 'Rob’s phone has no dial tone', line: 'noc' });
    const list = await rob.agent.get('/portal/tickets').expect(200);
    expect(list.text).toContain(`TK-${robs}`);
    expect(list.text).not.toContain(`TK-${danas}`);
    const hidden = await rob.agent.get(`/portal/tickets/${danas}`);
    const missing = await rob.agent.get('/portal/tickets/999999');
    expect(hidden.status).toBe(404);
    expect(hidden.text).toBe(missing.text);
  });
});
