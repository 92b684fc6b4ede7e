import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { takeMessage } from '../../src/email/index.js';
import { auth, testApp } from '../support/app.js';
import { message } from '../support/mail-messages.js';
import { organisationFrom } from '../support/organisation.js';
import { Caller, PUBLIC_URL, TWILIO_AUTH_TOKEN } from '../support/phone.js';
import { ACME_PHONE, BETA_PHONE, seedClients } from '../support/seed.js';

/** PATCH /api/clients/:id, and what the phone and email make of what it takes away. */
describe('changing a client', async () => {
  const organisation = organisationFrom(undefined, (doc) => {
    doc.email = { addresses: [{ address: 'support@omnipotech.example' }], authentication: { unverified: 'accept' } };
  });
  const h = await testApp({ env: { TWILIO_AUTH_TOKEN, PUBLIC_URL }, organisation });
  const { acme, beta } = await seedClients(h.app);
  const patch = (id: number, body: object) => request(h.app).patch(`/api/clients/${id}`).set(auth).send(body);

  it('answers bad input clearly and changes nothing', async () => {
    expect((await patch(acme.id, { supportCode: '1' })).status).toBe(400);
    expect((await patch(acme.id, { level: 'gold' })).status).toBe(400);
    expect((await patch(acme.id, { storageQuotaMb: -1 })).status).toBe(400);
    expect((await patch(acme.id, { contacts: [{ name: 'No way to reach' }] })).status).toBe(400);
    expect((await patch(999, { name: 'Nobody' })).status).toBe(404);
    expect((await patch(beta.id, { domains: ['gmail.com'] })).status).toBe(400);
    await patch(beta.id, { domains: ['beta.example'] }).expect(200);
    const taken = await patch(acme.id, { domains: ['beta.example'] });
    expect(taken.status).toBe(409);
    expect(taken.body.detail ?? taken.body.title ?? JSON.stringify(taken.body)).toContain('beta.example');
    const now = (await request(h.app).get(`/api/clients/${acme.id}`).set(auth).expect(200)).body;
    expect(now).toMatchObject({ name: 'Acme Dental', domains: [], active: true, storageQuotaMb: null });
    expect(now.contacts).toHaveLength(1);
  });

  it('keeps a contact given again by address, and takes off the one left out', async () => {
    const changed = await patch(acme.id, {
      name: 'Acme Dental Group',
      contacts: [
        { name: 'Dana D.', email: 'DANA@acme.example' },
        { name: 'Rita Reception', phone: '+12815550150', email: 'rita@acme.example' },
      ],
    });
    expect(changed.status).toBe(200);
    expect(changed.body.name).toBe('Acme Dental Group');
    const dana = changed.body.contacts.find((c: { email: string }) => c.email === 'DANA@acme.example');
    expect(dana.id).toBe(acme.contacts[0].id);
    expect(dana.phone).toBeNull();
  });

  it('no longer knows a removed contact’s phone: the caller is asked for a support code', async () => {
    // Dana's phone went with the change above (she was given again without it).
    const caller = new Caller(h.app, ACME_PHONE);
    await caller.dial();
    await caller.press('5');
    expect(caller.heard).toContain('If you know your support code, type it now, followed by hash.');
  });

  it('treats mail from a removed contact as a stranger’s', async () => {
    const deps = { db: h.db, log: h.log, organisation: h.config.organisation, tickets: h.services.tickets };
    const before = await takeMessage(
      deps,
      Buffer.from(message({ from: 'bo@beta.example', to: 'support@omnipotech.example', subject: 'Oven down' }).raw),
    );
    expect(before).toMatchObject({ outcome: 'ticket' });
    await patch(beta.id, { contacts: [{ name: 'Bea Baker', email: 'bea@beta.example' }], domains: [] }).expect(200);
    const after = await takeMessage(
      deps,
      Buffer.from(
        message({ from: 'bo@beta.example', to: 'support@omnipotech.example', subject: 'Oven still down' }).raw,
      ),
    );
    expect(after.outcome).not.toBe('ticket');
    expect(after.outcome).not.toBe('added');
  });

  it('keeps an email’s words and refuses its files past the client’s storage quota, saying so on the timeline', async () => {
    await patch(beta.id, { storageQuotaMb: 0 }).expect(200);
    const deps = { db: h.db, log: h.log, organisation: h.config.organisation, tickets: h.services.tickets };
    const mail = message({
      from: 'bea@beta.example',
      to: 'support@omnipotech.example',
      subject: 'Till receipts are blank',
      body: 'Photo of a receipt attached.',
      attachments: [{ filename: 'receipt.jpg', contentType: 'image/jpeg', content: Buffer.alloc(2048, 9) }],
    });
    const taken = await takeMessage(deps, Buffer.from(mail.raw));
    expect(taken).toMatchObject({ outcome: 'ticket' });
    const number = (taken as { ticketNumber: number }).ticketNumber;
    const ticket = (await request(h.app).get(`/api/tickets/${number}`).set(auth).expect(200)).body;
    expect(JSON.stringify(ticket)).toContain('Photo of a receipt attached.');
    expect(JSON.stringify(ticket)).toContain(
      "attachments were not kept, the client's file storage is full: receipt.jpg",
    );
    await patch(beta.id, { storageQuotaMb: 2048 }).expect(200);
  });

  it('refuses the support code of a client no longer served, on the phone', async () => {
    await patch(acme.id, { active: false }).expect(200);
    const caller = new Caller(h.app, '+13125550177');
    await caller.dial();
    await caller.press('2');
    await caller.press('482913');
    expect(caller.heard).toContain('Sorry, that code was not recognised.');
    await patch(acme.id, { active: true }).expect(200);
    const again = new Caller(h.app, '+13125550178');
    await again.dial();
    await again.press('2');
    await again.press('482913');
    expect(again.heard).toContain('Thank you, Acme Dental Group.');
    // Bo was taken off Beta Bakery: his phone names no client any more.
    const bo = new Caller(h.app, BETA_PHONE);
    await bo.dial();
    await bo.press('5');
    expect(bo.heard).toContain('If you know your support code');
  });
});
