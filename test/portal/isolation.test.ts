import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import { signedIn } from '../support/app.js';
import { apiTicket, openOnPortal, portalHarness, portalSignIn, type PortalAgent } from '../support/portal.js';

/**
 * One client's tickets are nobody else's business: a contact of another client, or nobody at all, learns
 * nothing of them, not even that they exist; and no form acts without the page's own token.
 */
describe('the portal keeps each client’s tickets to itself', async () => {
  const h = await portalHarness();
  const dana = await portalSignIn(h, 'dana@acme.example');
  const bo = await portalSignIn(h, 'bo@beta.example');
  let acmeTicket = 0;
  let betaTicket = 0;
  let attachment = '';

  beforeAll(async () => {
    acmeTicket = await openOnPortal(
      dana,
      { subject: 'Payroll server unreachable', body: 'Secret payroll details', line: 'software' },
      [{ name: 'salaries.csv', content: Buffer.from('name,salary\nDana,1\n'), type: 'text/csv' }],
    );
    betaTicket = await openOnPortal(bo, { subject: 'Oven display flickers' });
    const page = await dana.agent.get(`/portal/tickets/${acmeTicket}`).expect(200);
    attachment = /href="\/portal\/tickets\/\d+\/attachments\/(\d+)"/.exec(page.text)![1]!;
  });

  /** Every address of a ticket, read and written, as another client's contact would try them. */
  const addresses = (n: number | string, file = attachment) => [
    { method: 'get', path: `/portal/tickets/${n}` },
    { method: 'get', path: `/portal/tickets/${n}/attachments/${file}` },
    { method: 'post', path: `/portal/tickets/${n}/replies`, form: { body: 'Let me in' } },
    { method: 'post', path: `/portal/tickets/${n}/solved` },
    { method: 'post', path: `/portal/tickets/${n}/reopen` },
  ];
  const attempt = (who: PortalAgent, a: ReturnType<typeof addresses>[number]) =>
    a.method === 'get'
      ? who.agent.get(a.path)
      : who.agent
          .post(a.path)
          .type('form')
          .send({ _csrf: who.csrf, ...a.form });

  it('answers another client’s contact 404 for every address of a ticket, exactly as for one that does not exist', async () => {
    const before = await apiTicket(h, acmeTicket);
    const missing = addresses(999_999, '999999');
    for (const [i, a] of addresses(acmeTicket).entries()) {
      const theirs = await attempt(bo, a);
      const none = await attempt(bo, missing[i]!);
      expect(theirs.status, a.path).toBe(404);
      expect(theirs.text, a.path).toBe(none.text);
      expect(theirs.text).not.toContain('Payroll');
      expect(theirs.text).not.toContain('name,salary');
    }
    // Nothing they tried changed it.
    const after = await apiTicket(h, acmeTicket);
    expect(after.status).toBe(before.status);
    expect(after.messages).toHaveLength(before.messages.length);
  });

  it('answers 404 for an attachment asked for under another ticket of the same client', async () => {
    const other = await openOnPortal(dana, { subject: 'Second ticket here', line: 'software' });
    const res = await dana.agent.get(`/portal/tickets/${other}/attachments/${attachment}`);
    expect(res.status).toBe(404);
    expect(res.text).not.toContain('name,salary');
  });

  it('lists no ticket of another client', async () => {
    const list = await bo.agent.get('/portal/tickets?status=all').expect(200);
    expect(list.text).toContain(`TK-${betaTicket}`);
    expect(list.text).not.toContain(`TK-${acmeTicket}`);
    expect(list.text).not.toContain('Payroll');
  });

  it('gives nobody signed in anything: pages send them to sign in, actions change nothing', async () => {
    const before = await apiTicket(h, acmeTicket);
    const anonymous = request(h.app);
    for (const path of [
      '/portal/tickets',
      '/portal/tickets/new',
      `/portal/tickets/${acmeTicket}`,
      `/portal/tickets/${acmeTicket}/attachments/${attachment}`,
      '/portal/account',
      '/portal/notices',
    ]) {
      const res = await anonymous.get(path);
      expect(res.status, path).toBe(303);
      expect(res.headers.location).toBe('/portal');
      expect(res.text).not.toContain('Payroll');
    }
    for (const path of [
      '/portal/tickets',
      `/portal/tickets/${acmeTicket}/replies`,
      `/portal/tickets/${acmeTicket}/solved`,
      '/portal/sign-out-everywhere',
    ]) {
      const res = await anonymous.post(path).type('form').send({ subject: 'Sneaky new ticket', body: 'x' });
      expect(res.status, path).toBe(401);
    }
    const after = await apiTicket(h, acmeTicket);
    expect(after.status).toBe(before.status);
    expect(after.messages).toHaveLength(before.messages.length);
    // A staff session is no portal session.
    const staff = await signedIn(h, { email: 'olive@example.com', name: 'Olive Office', role: 'office' });
    expect((await staff.agent.get(`/portal/tickets/${acmeTicket}`)).status).toBe(303);
  });

  it('changes nothing for a form without its token, or with another session’s', async () => {
    const tickets = (await request(h.app).get('/api/tickets').set({ Authorization: 'Bearer test-token-0123456789' }))
      .body.length;
    const before = await apiTicket(h, acmeTicket);
    for (const token of [undefined, bo.csrf]) {
      const fields = token ? { _csrf: token } : {};
      const opened = await dana.agent
        .post('/portal/tickets')
        .type('form')
        .send({ ...fields, subject: 'Forged ticket from elsewhere', line: 'software', priority: 'low' });
      expect(opened.status).toBe(403);
      expect(opened.text).toContain('nothing was changed');
      const multipart = await dana.agent
        .post('/portal/tickets')
        .field('subject', 'Forged multipart ticket')
        .field('_csrf', token ?? '')
        .attach('attachments', Buffer.from('x'), { filename: 'x.txt' });
      expect(multipart.status).toBe(403);
      for (const action of ['replies', 'solved']) {
        const res = await dana.agent
          .post(`/portal/tickets/${acmeTicket}/${action}`)
          .type('form')
          .send({ ...fields, body: 'Forged reply' });
        expect(res.status).toBe(403);
      }
      expect((await dana.agent.post('/portal/sign-out-everywhere').type('form').send(fields)).status).toBe(403);
    }
    const after = await apiTicket(h, acmeTicket);
    expect(after.status).toBe(before.status);
    expect(after.messages).toHaveLength(before.messages.length);
    expect(
      (await request(h.app).get('/api/tickets').set({ Authorization: 'Bearer test-token-0123456789' })).body.length,
    ).toBe(tickets);
    await dana.agent.get('/portal/tickets').expect(200); // still signed in
  });

  it('answers odd input with a page, never a 500', async () => {
    for (const path of ['/portal/tickets/abc', '/portal/tickets/-1', '/portal/tickets/99999999999999999999']) {
      const res = await dana.agent.get(path);
      expect(res.status, path).toBe(404);
    }
    expect((await dana.agent.get('/portal/tickets?status=%ZZ')).status).toBeLessThan(500);
    expect((await dana.agent.get('/portal/tickets?status[]=x')).status).toBe(200);
    const garbage = await dana.agent
      .post('/portal/tickets')
      .set('Content-Type', 'multipart/form-data; boundary=zzz')
      .send('not multipart at all');
    expect(garbage.status).toBe(400);
    const noBoundary = await dana.agent.post('/portal/tickets').set('Content-Type', 'multipart/form-data').send('x');
    expect(noBoundary.status).toBe(400);
  });
});
