import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { recentAudit } from '../../src/audit/index.js';
import { askForLink, csrfOf, followLink, linkFor, mailsTo, portalHarness, portalSignIn } from '../support/portal.js';

/** A contact signs in by a link emailed to them: nobody learns from the page who is a client. */
describe('signing in to the portal by an emailed link', async () => {
  const h = await portalHarness();

  it('emails a registered contact a link that signs them in for their client, in a cookie of its own', async () => {
    const agent = request.agent(h.app);
    const form = await agent.get('/portal').expect(200);
    expect(form.text).toContain('name="email"');
    expect(form.text).toContain('Omnipotech');
    const res = await askForLink(agent, 'Dana@Acme.example');
    expect(res.status).toBe(200);
    expect(res.text).toContain('a sign-in link is on its way');

    await h.settle();
    const [mail] = await mailsTo(h, 'dana@acme.example');
    expect(mail!.subject).toBe('[Omnipotech] Your sign-in link');
    expect(mail!.text).toContain('within 15 minutes');
    const link = await linkFor(h, 'dana@acme.example');
    // Only a hash of the link's token is kept.
    const token = new URL(link, 'http://x').searchParams.get('t')!;
    const { portalSignInLinks } = await import('../../src/db/schema.js');
    const stored = await h.db.q.select().from(portalSignInLinks);
    expect(stored.map((s) => s.tokenHash)).not.toContain(token);

    const signedIn = await followLink(agent, link);
    expect(signedIn.status).toBe(303);
    expect(signedIn.headers.location).toBe('/portal/tickets');
    const cookie = (signedIn.headers['set-cookie'] as unknown as string[]).find((c) =>
      c.startsWith('switchboard_portal='),
    );
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(cookie).toMatch(/Path=\/portal/);
    expect(cookie).toMatch(/Max-Age=1209600/); // 14 days
    const tickets = await agent.get('/portal/tickets').expect(200);
    expect(tickets.text).toContain('Acme Dental');
    expect(tickets.text).toContain('dana@acme.example');
    // The staff dashboard knows nothing of this cookie.
    const dashboard = await agent.get('/dashboard/tickets');
    expect(dashboard.status).toBe(303);
    expect(dashboard.headers.location).toMatch(/^\/dashboard\/login/);
  });

  it('answers an unknown address with the very same page, and emails it nothing', async () => {
    const agent = request.agent(h.app);
    const known = await askForLink(agent, 'dana@acme.example');
    const unknown = await askForLink(agent, 'mallory@evil.example');
    const malformed = await askForLink(agent, 'not an address');
    expect(unknown.status).toBe(known.status);
    expect(unknown.text.replace('mallory@evil.example', 'dana@acme.example')).toBe(known.text);
    expect(malformed.status).toBe(200);
    await h.settle();
    expect(await mailsTo(h, 'mallory@evil.example')).toHaveLength(0);
  });

  it('emails a link to anyone at a client’s domain, signed in for that client', async () => {
    const who = await portalSignIn(h, 'carla@acme.example');
    const page = await who.agent.get('/portal/tickets').expect(200);
    expect(page.text).toContain('Acme Dental');
    expect(page.text).toContain('carla@acme.example');
  });

  it('takes a link once: used twice, it signs nobody in and says the link is spent', async () => {
    await askForLink(request.agent(h.app), 'bo@beta.example');
    const link = await linkFor(h, 'bo@beta.example');
    const first = request.agent(h.app);
    expect((await followLink(first, link)).status).toBe(303);
    const second = request.agent(h.app);
    const again = await second.get(link);
    expect(again.status).toBe(410);
    expect(again.text).toContain('This sign-in link has expired or was already used');
    expect(again.headers['set-cookie']?.toString() ?? '').not.toContain('switchboard_portal=');
    const tickets = await second.get('/portal/tickets');
    expect(tickets.status).toBe(303);
    expect(tickets.headers.location).toBe('/portal');
  });

  it('refuses a link after 15 minutes, and a made-up one, the same way', async () => {
    await askForLink(request.agent(h.app), 'rob@acme.example');
    const link = await linkFor(h, 'rob@acme.example');
    h.clock.advance(15 * 60_000 + 1000);
    const late = await request(h.app).get(link);
    expect(late.status).toBe(410);
    const made = await request(h.app).get('/portal/link?t=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA');
    expect(made.status).toBe(410);
    expect(made.text).toBe(late.text);
    expect((await request(h.app).get('/portal/link')).status).toBe(410);
  });

  it('ends a session after two idle days, and after fourteen days however busy', async () => {
    const who = await portalSignIn(h, 'idle@acme.example');
    h.clock.advance(47 * 3_600_000);
    await who.agent.get('/portal/tickets').expect(200);
    h.clock.advance(47 * 3_600_000);
    await who.agent.get('/portal/tickets').expect(200);
    h.clock.advance(49 * 3_600_000);
    expect((await who.agent.get('/portal/tickets')).headers.location).toBe('/portal');

    const busy = await portalSignIn(h, 'busy@acme.example');
    for (let day = 0; day < 13; day++) {
      h.clock.advance(24 * 3_600_000);
      await busy.agent.get('/portal/tickets').expect(200);
    }
    h.clock.advance(25 * 3_600_000);
    expect((await busy.agent.get('/portal/tickets')).headers.location).toBe('/portal');
  });

  it('signs out this browser, or every browser of the person', async () => {
    const laptop = await portalSignIn(h, 'dana@acme.example');
    const phone = await portalSignIn(h, 'dana@acme.example');
    const colleague = await portalSignIn(h, 'rob@acme.example');
    await laptop.agent.post('/portal/sign-out').type('form').send({ _csrf: laptop.csrf }).expect(303);
    expect((await laptop.agent.get('/portal/tickets')).status).toBe(303);
    await phone.agent.get('/portal/tickets').expect(200);

    const other = await portalSignIn(h, 'dana@acme.example');
    const account = await other.agent.get('/portal/account').expect(200);
    expect(account.text).toContain('Sign out everywhere');
    await other.agent
      .post('/portal/sign-out-everywhere')
      .type('form')
      .send({ _csrf: csrfOf(account.text) })
      .expect(303);
    expect((await phone.agent.get('/portal/tickets')).status).toBe(303);
    expect((await other.agent.get('/portal/tickets')).status).toBe(303);
    await colleague.agent.get('/portal/tickets').expect(200);
  });

  it('keeps sign-ins in the audit trail: links asked for, used, refused, and sign-outs', async () => {
    const actions = (await recentAudit(h.db.q, 500)).map((e) => e.action);
    expect(actions).toEqual(
      expect.arrayContaining(['portal_link_requested', 'portal_sign_in', 'portal_link_refused', 'portal_sign_out']),
    );
    const refused = (await recentAudit(h.db.q, 500)).find((e) => e.action === 'portal_link_refused');
    expect(refused?.ip).toBeTruthy();
  });

  it('refuses a sign-in form without its token, and sends nothing', async () => {
    const before = h.smtp.mails.length;
    const res = await request(h.app).post('/portal').type('form').send({ email: 'dana@acme.example' });
    expect(res.status).toBe(403);
    await h.settle();
    expect(h.smtp.mails.length).toBe(before);
  });

  it('limits links per address and per client address, with a clear answer', async () => {
    const agent = request.agent(h.app);
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await askForLink(agent, 'limits@acme.example')).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200]);
    const limited = await askForLink(agent, 'limits@acme.example');
    expect(limited.status).toBe(429);
    expect(limited.text).toContain('Too many sign-in requests');
    // Many addresses from one place run into that place's own limit.
    const flood: number[] = [];
    for (let i = 0; i < 31; i++) flood.push((await askForLink(agent, `person${i}@elsewhere.example`)).status);
    expect(flood).toContain(429);
  });
});
