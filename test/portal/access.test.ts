import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { recentAudit } from '../../src/audit/index.js';
import { auth } from '../support/app.js';
import {
  askForLink,
  csrfOf,
  followLink,
  linkFor,
  mailsTo,
  openOnPortal,
  portalHarness,
  portalOrganisation,
  portalSignIn,
} from '../support/portal.js';

/** Access that ends when it should: what PATCH /api/clients/:id takes away, links, sign-out, what a page shows. */
describe('access to the portal', async () => {
  const h = await portalHarness();
  const patch = (id: number, body: Record<string, unknown>) =>
    request(h.app).patch(`/api/clients/${id}`).set(auth).send(body);

  it('opens a link to a page that names the address and asks; only its button signs in', async () => {
    const agent = request.agent(h.app);
    await askForLink(agent, 'dana@acme.example');
    const link = await linkFor(h, 'dana@acme.example');
    // A mail scanner that opens the link, by HEAD or GET, spends nothing and gets no session.
    const scanner = await request(h.app).head(link);
    expect(scanner.status).toBe(200);
    const opened = await request(h.app).get(link);
    expect(opened.status).toBe(200);
    expect(opened.text).toContain('This link signs you in to the portal as dana@acme.example.');
    expect(opened.text).toContain('Sign in as dana@acme.example');
    expect(opened.headers['set-cookie']?.toString() ?? '').not.toContain('switchboard_portal=');
    // A form posted from another site carries no form cookie (it is SameSite=Strict): refused, link unspent.
    const token = /name="t" value="([^"]+)"/.exec(opened.text)![1]!;
    const forged = await request(h.app)
      .post('/portal/link')
      .type('form')
      .send({ t: token, _csrf: csrfOf(opened.text) });
    expect(forged.status).toBe(403);
    const signed = await followLink(agent, link);
    expect(signed.status).toBe(303);
    expect(signed.headers.location).toBe('/portal/tickets');
    expect((await followLink(request.agent(h.app), link)).status).toBe(410);
  });

  it('voids unused links when someone signs out everywhere', async () => {
    const who = await portalSignIn(h, 'rob@acme.example');
    await askForLink(request.agent(h.app), 'rob@acme.example');
    const unused = await linkFor(h, 'rob@acme.example');
    await who.agent.post('/portal/sign-out-everywhere').type('form').send({ _csrf: who.csrf }).expect(303);
    expect((await request(h.app).get(unused)).status).toBe(410);
    const signOut = (await recentAudit(h.db.q, 50)).find((e) => e.action === 'portal_sign_out');
    expect(signOut?.detail).toMatchObject({ everywhere: true, links: 1 });
  });

  it('shows the account page’s contacts to a named contact with phones, to someone at the domain without', async () => {
    const dana = await portalSignIn(h, 'dana@acme.example');
    const named = await dana.agent.get('/portal/account').expect(200);
    expect(named.text).toContain('Rob Reception');
    expect(named.text).toContain('+12815550143');
    const carla = await portalSignIn(h, 'carla@acme.example');
    const domain = await carla.agent.get('/portal/account').expect(200);
    expect(domain.text).toContain('Rob Reception');
    expect(domain.text).not.toContain('+12815550143');
    expect(domain.text).not.toContain('+12815550142');
  });

  it('takes a contact off: their session ends at once, their unused link does nothing, no new link is sent', async () => {
    const bo = await portalSignIn(h, 'bo@beta.example');
    await askForLink(request.agent(h.app), 'bo@beta.example');
    const unused = await linkFor(h, 'bo@beta.example');
    const changed = await patch(h.beta.id, { contacts: [{ name: 'Bea Baker', email: 'bea@beta.example' }] });
    expect(changed.status).toBe(200);
    expect(changed.body.contacts.map((c: { name: string }) => c.name)).toEqual(['Bea Baker']);

    const page = await bo.agent.get('/portal/tickets');
    expect(page.status).toBe(303);
    expect(page.headers.location).toBe('/portal');
    const action = await bo.agent.post('/portal/tickets').type('form').send({ _csrf: bo.csrf, subject: 'Still here?' });
    expect(action.status).toBe(401);
    expect((await request(h.app).get(unused)).status).toBe(410);
    const before = (await mailsTo(h, 'bo@beta.example')).length;
    await askForLink(request.agent(h.app), 'bo@beta.example').then((r) => expect(r.status).toBe(200));
    await h.settle();
    expect(await mailsTo(h, 'bo@beta.example')).toHaveLength(before);
    // The newcomer is in.
    await portalSignIn(h, 'bea@beta.example');
    const trail = (await recentAudit(h.db.q, 100)).find((e) => e.action === 'client_changed');
    expect(trail?.detail).toMatchObject({ clientId: h.beta.id, contactsRemoved: ['bo@beta.example'] });
  });

  it('keeps the words and refuses the files past the client’s storage quota, and shows what is left', async () => {
    const dana = await portalSignIn(h, 'dana@acme.example');
    const number = await openOnPortal(
      dana,
      { subject: 'Scanner on floor 3 offline', body: 'It says E42.', line: 'software' },
      [{ name: 'photo.jpg', content: Buffer.alloc(600 * 1024, 7) }],
    );
    expect((await patch(h.acme.id, { storageQuotaMb: 1 })).status).toBe(200);
    const account = await dana.agent.get('/portal/account').expect(200);
    expect(account.text).toMatch(/0\.4 MB left of 1\.0 MB/);

    const reply = await dana.agent
      .post(`/portal/tickets/${number}/replies`)
      .field('_csrf', dana.csrf)
      .field('body', 'Here is the whole log.')
      .attach('attachments', Buffer.alloc(700 * 1024, 1), { filename: 'log.txt', contentType: 'text/plain' });
    expect(reply.status).toBe(303);
    const page = await dana.agent.get(`/portal/tickets/${number}`).expect(200);
    expect(page.text).toContain('Here is the whole log.');
    expect(page.text).not.toContain('log.txt');
    expect(page.text).toContain('Your message was taken, but not its files: your company’s file storage is full.');

    const onlyFiles = await dana.agent
      .post(`/portal/tickets/${number}/replies`)
      .field('_csrf', dana.csrf)
      .attach('attachments', Buffer.alloc(700 * 1024, 1), { filename: 'log.txt', contentType: 'text/plain' });
    expect(onlyFiles.status).toBe(413);
    expect(onlyFiles.text).toContain('file storage is full, so the files were not taken');
    // What was refused is not kept anywhere: the client's storage is what its one file takes.
    expect((await dana.agent.get('/portal/account')).text).toMatch(/0\.4 MB left of 1\.0 MB/);
    await patch(h.acme.id, { storageQuotaMb: 2048 }).expect(200);
  });

  it('keeps file names without control characters or text-reordering ones', async () => {
    const dana = await portalSignIn(h, 'dana@acme.example');
    const number = await openOnPortal(dana, { subject: 'Odd file names here', line: 'software' }, [
      { name: 'a\r\nX-Evil: 1<script>x</script>.html', content: Buffer.from('<b>hi</b>') },
      { name: 'evil\u202Efdp.exe', content: Buffer.from('MZ') },
    ]);
    const ticket = (await request(h.app).get(`/api/tickets/${number}`).set(auth).expect(200)).body;
    const names = ticket.messages.flatMap((m: { attachments?: { filename: string }[] }) =>
      (m.attachments ?? []).map((a) => a.filename),
    );
    expect(names).toEqual(['script>.html', 'evilfdp.exe']);
  });

  it('refuses a reply past the hour’s limit before reading its files', async () => {
    const dana = await portalSignIn(h, 'rob@acme.example');
    const number = await openOnPortal(dana, { subject: 'Many replies coming', line: 'software' });
    const statuses: number[] = [];
    for (let i = 0; i < 30; i++)
      statuses.push(
        (
          await dana.agent
            .post(`/portal/tickets/${number}/replies`)
            .field('_csrf', dana.csrf)
            .field('body', `Reply ${i}`)
            .attach('attachments', Buffer.from('x'), { filename: 'x.txt' })
        ).status,
      );
    expect(statuses.filter((s) => s === 303)).toHaveLength(29); // the ticket's own first message counts too
    expect(statuses.at(-1)).toBe(429);
    const refused = await dana.agent
      .post(`/portal/tickets/${number}/replies`)
      .field('_csrf', dana.csrf)
      .field('body', 'One more')
      .attach('attachments', Buffer.alloc(1024 * 1024), { filename: 'big.bin' });
    expect(refused.status).toBe(429);
    expect(refused.text).toContain('You have written many replies in the last hour');
  });

  it('ends every session of a client no longer served, its domain’s people’s too', async () => {
    const dana = await portalSignIn(h, 'dana@acme.example');
    const carla = await portalSignIn(h, 'carla@acme.example');
    expect((await patch(h.acme.id, { active: false })).body).toMatchObject({ active: false });
    for (const who of [dana, carla]) {
      const page = await who.agent.get('/portal/tickets');
      expect(page.status).toBe(303);
      expect(page.headers.location).toBe('/portal');
    }
    const links = async () => (await mailsTo(h, 'carla@acme.example')).filter((m) => /portal\/link/.test(m.text));
    const before = (await links()).length;
    await askForLink(request.agent(h.app), 'carla@acme.example');
    await h.settle();
    expect(await links()).toHaveLength(before);
  });
});

describe('contacts on the account page with portal.visibility: own', async () => {
  const h = await portalHarness({
    organisation: portalOrganisation((doc) => (doc.portal = { visibility: 'own' })),
  });
  it('lists no other contact', async () => {
    const dana = await portalSignIn(h, 'dana@acme.example');
    const page = await dana.agent.get('/portal/account').expect(200);
    expect(page.text).not.toContain('Rob Reception');
    expect(page.text).not.toContain('rob@acme.example');
  });
});
