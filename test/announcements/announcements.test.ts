import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { auth, testApp } from '../support/app.js';
import { organisationFrom } from '../support/organisation.js';
import { Caller } from '../support/phone.js';
import { ACME_PHONE, BETA_PHONE, seedClients } from '../support/seed.js';

const NOW = '2026-11-24T15:00:00Z'; // Tuesday 09:00 in Chicago
const organisation = organisationFrom(undefined, (doc) => {
  doc.service_lines = [
    { id: 'software', name: 'Software support', on_call: { rotation: ['erin'], shift: 'daily', handoff: '08:00' } },
    { id: 'noc', name: 'Network operations', on_call: { rotation: ['ed'], shift: 'daily', handoff: '08:00' } },
  ];
});

const heardBy = async (app: Parameters<typeof request>[0], phone: string) => {
  const caller = new Caller(app as never, phone);
  await caller.dial();
  return caller.heard;
};

describe('announcements: what callers hear after the welcome', async () => {
  const { app, clock } = await testApp({ organisation, now: NOW });
  const { acme, beta } = await seedClients(app);
  const NOC_PHONE = '+12815550177';
  await request(app)
    .post('/api/clients')
    .set(auth)
    .send({
      name: 'Nimbus Networks',
      supportCode: '5150',
      lines: ['noc'],
      contacts: [{ name: 'Nia Net', phone: NOC_PHONE }],
    })
    .expect(201);
  const post = (body: Record<string, unknown>) => request(app).post('/api/announcements').set(auth).send(body);

  it('reads an announcement for everyone right after the welcome, before the menu, until it is taken down', async () => {
    const outage = 'Our email service is down since 8 a.m.; we are working on it.';
    const made = await post({ text: outage }).expect(201);
    expect(made.body).toMatchObject({ text: outage, live: true, clientIds: null, lines: null });
    const heard = await heardBy(app, '+13125550100');
    expect(heard).toMatch(
      /^Thank you for calling Omnipotech\. Our email service is down since 8 a\.m\.; we are working on it\. For the helpdesk, press 1\./,
    );
    expect(await heardBy(app, ACME_PHONE)).toContain(outage);

    await request(app).delete(`/api/announcements/${made.body.id}`).set(auth).expect(200);
    expect(await heardBy(app, ACME_PHONE)).not.toContain(outage);
    await request(app).delete(`/api/announcements/${made.body.id}`).set(auth).expect(409);
    await request(app).delete('/api/announcements/999999').set(auth).expect(404);
    const list = await request(app).get('/api/announcements').set(auth).expect(200);
    expect(list.body[0]).toMatchObject({ id: made.body.id, live: false });
  });

  it('never reads an announcement before its start or after its end', async () => {
    const start = new Date(clock.now().getTime() + 3_600_000);
    const planned = 'Planned maintenance of the phone system tonight from 22:00.';
    await post({
      text: planned,
      startsAt: start.toISOString(),
      endsAt: new Date(start.getTime() + 3_600_000).toISOString(),
    }).expect(201);
    expect(await heardBy(app, ACME_PHONE)).not.toContain(planned);
    clock.advance(3_600_000 + 60_000);
    expect(await heardBy(app, ACME_PHONE)).toContain(planned);
    clock.advance(3_600_000);
    expect(await heardBy(app, ACME_PHONE)).not.toContain(planned);
  });

  it('reads an announcement for some clients or lines only to their callers', async () => {
    const forAcme = 'Acme: your server migration starts at noon.';
    const forNoc = 'A fibre cut affects network customers in the north.';
    await post({ text: forAcme, clientIds: [acme.id] }).expect(201);
    await post({ text: forNoc, lines: ['noc'] }).expect(201);
    const acmeHears = await heardBy(app, ACME_PHONE);
    expect(acmeHears).toContain(forAcme);
    expect(acmeHears).toContain(forNoc); // Acme's contract covers every line
    const nocHears = await heardBy(app, NOC_PHONE);
    expect(nocHears).toContain(forNoc);
    expect(nocHears).not.toContain(forAcme);
    expect(await heardBy(app, BETA_PHONE)).not.toContain(forAcme);
    const stranger = await heardBy(app, '+13125550111');
    expect(stranger).not.toContain(forAcme);
    expect(stranger).not.toContain(forNoc);
    expect(beta.id).toBeGreaterThan(0);
  });

  it('answers bad input with 400 naming the field', async () => {
    const unknown = await post({ text: 'x', endAt: '2026-11-25T00:00:00Z' }).expect(400);
    expect(unknown.body.error.fields).toEqual({ endAt: 'is not a field (did you mean "endsAt"?)' });
    const past = await post({ text: 'x', endsAt: '2020-01-01T00:00:00Z' }).expect(400);
    expect(past.body.error.fields.endsAt).toContain('in the past');
    const line = await post({ text: 'x', lines: ['voip'] }).expect(400);
    expect(line.body.error.fields['lines[0]']).toContain('"voip" is not a service line (software, noc)');
    const client = await post({ text: 'x', clientIds: [424242] }).expect(400);
    expect(client.body.error.fields['clientIds[0]']).toBe('there is no client 424242');
    await post({ text: '' }).expect(400);
    await post({ text: 'x', startsAt: 'tomorrow' }).expect(400);
  });
});
