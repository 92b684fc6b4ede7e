import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { auth, testApp } from '../support/app.js';
import { organisationFrom } from '../support/organisation.js';
import { Caller, PUBLIC_URL, TWILIO_AUTH_TOKEN } from '../support/phone.js';
import { spoken } from '../support/twiml.js';
import { simpleParser } from 'mailparser';
import { pagingHarness } from '../support/paging.js';
import { unfold } from '../support/mail-messages.js';
import { tellEndedAnnouncements } from '../../src/announcements/index.js';
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

describe('announcements: they never hold the menu for long', async () => {
  const { app } = await testApp({ organisation, now: NOW, env: { PUBLIC_URL, TWILIO_AUTH_TOKEN } });
  // Eleven long notices: read in full before the menu, they made minutes of speech no key could cut short.
  const notices = Array.from(
    { length: 11 },
    (_, i) => `Notice ${i + 1}: ${'The mail relay in the north data centre is being replaced. '.repeat(15).trim()}`,
  );
  for (const text of notices) await request(app).post('/api/announcements').set(auth).send({ text }).expect(201);

  it('reads them inside the menu’s listening, so a key cuts them short', async () => {
    const caller = new Caller(app, '+13125550100');
    await caller.dial();
    // Nothing is spoken before the menu starts listening.
    expect(caller.verbs.map((v) => v.verb)).toEqual(['Gather', 'Redirect']);
    const inGather = spoken(caller.verbs[0]!.children);
    expect(inGather).toMatch(/^Thank you for calling Omnipotech\. Notice 9: /);
    expect(inGather).toContain('For the helpdesk, press 1.');
    // A caller who knows what they want presses 5 at once.
    await caller.press('5');
    expect(caller.heard).toContain('support code');
  });

  it('reads the newest three, each cut to 400 characters, and sends callers to the status page for the rest', async () => {
    const caller = new Caller(app, '+13125550101');
    await caller.dial();
    const says = caller.verbs[0]!.children.filter((v) => v.verb === 'Say').map((v) => v.text);
    const read = says.filter((t) => t.startsWith('Notice '));
    expect(read.map((t) => t.split(':')[0])).toEqual(['Notice 9', 'Notice 10', 'Notice 11']);
    for (const t of read) expect(t.length).toBeLessThanOrEqual(400);
    expect(says).toContain('You will find more on our status page.');
    expect(says.join(' ').length).toBeLessThan(1600);
  });
});

describe('announcements: the affected clients’ contacts are emailed when asked', async () => {
  const h = await pagingHarness({ organisation, now: NOW });
  const { beta } = await seedClients(h.app); // Acme (dana@acme.example) and Beta (bo@beta.example): every line
  await request(h.app)
    .post('/api/clients')
    .set(auth)
    .send({
      name: 'Nimbus Networks',
      supportCode: '5150',
      lines: ['noc'],
      contacts: [
        { name: 'Nia Net', phone: '+12815550177', email: 'nia@nimbus.example' },
        { name: 'Nat Net', phone: '+12815550178' },
      ],
    })
    .expect(201);
  const post = (body: Record<string, unknown>) => request(h.app).post('/api/announcements').set(auth).send(body);
  // Who got a mail whose subject (decoded, as a mail program shows it) starts with `subject`.
  const mailsAbout = async (subject: string) => {
    const to: string[] = [];
    for (const m of h.smtp.mails) if ((await simpleParser(m.raw)).subject?.includes(subject)) to.push(...m.to);
    return to.sort();
  };

  it('emails everyone the announcement is for when posted and when taken down, once each', async () => {
    const made = await post({
      text: 'The network in the Houston data centre is down; engineers are on site.',
      clientIds: [beta.id],
      notify: true,
    }).expect(201);
    expect(made.body).toMatchObject({ notify: true, notified: 1 });
    await h.settle();
    expect(await mailsAbout('Service notice: The network in the Houston data centre is down;')).toEqual([
      'bo@beta.example',
    ]);

    await request(h.app).delete(`/api/announcements/${made.body.id}`).set(auth).expect(200);
    await request(h.app).delete(`/api/announcements/${made.body.id}`).set(auth).expect(409);
    await h.settle();
    expect(await mailsAbout('Resolved: The network in the Houston data centre is down;')).toEqual(['bo@beta.example']);
  });

  it('tells every client’s contacts of one for everyone, and that it is over when its end passes', async () => {
    h.smtp.mails.length = 0;
    const ends = new Date(h.clock.now().getTime() + 2 * 3_600_000);
    const made = await post({
      text: 'Planned maintenance of the phone system tonight.',
      endsAt: ends.toISOString(),
      notify: true,
    }).expect(201);
    expect(made.body.notified).toBe(3);
    await h.settle();
    expect(await mailsAbout('Service notice: Planned maintenance')).toEqual(
      ['bo@beta.example', 'dana@acme.example', 'nia@nimbus.example'].sort(),
    );
    const body = unfold(
      h.smtp.mails.find((m) => m.to[0] === 'dana@acme.example' && m.raw.includes('Service notice'))!.raw,
    );
    expect(body).toContain('Until: ');
    expect(body).toContain('call +12817684800 and press 5');

    expect(await tellEndedAnnouncements(h.services.announcements)).toBe(0);
    h.clock.advance(2 * 3_600_000 + 1000);
    expect(await tellEndedAnnouncements(h.services.announcements)).toBe(1);
    expect(await tellEndedAnnouncements(h.services.announcements)).toBe(0);
    await h.settle();
    expect(await mailsAbout('Resolved: Planned maintenance')).toEqual(
      ['bo@beta.example', 'dana@acme.example', 'nia@nimbus.example'].sort(),
    );
  });

  it('says a planned notice taken down before its start is withdrawn, not over', async () => {
    h.smtp.mails.length = 0;
    const starts = new Date(h.clock.now().getTime() + 24 * 3_600_000);
    const made = await post({
      text: 'Planned upgrade of the firewalls tomorrow night.',
      startsAt: starts.toISOString(),
      clientIds: [beta.id],
      notify: true,
    }).expect(201);
    await request(h.app).delete(`/api/announcements/${made.body.id}`).set(auth).expect(200);
    await h.settle();
    expect(await mailsAbout('Withdrawn: Planned upgrade of the firewalls')).toEqual(['bo@beta.example']);
    expect(await mailsAbout('Resolved: Planned upgrade')).toEqual([]);
  });

  it('emails nobody unless asked', async () => {
    h.smtp.mails.length = 0;
    const made = await post({ text: 'A quiet notice.' }).expect(201);
    expect(made.body.notified).toBe(0);
    await request(h.app).delete(`/api/announcements/${made.body.id}`).set(auth).expect(200);
    await h.settle();
    expect(h.smtp.mails).toEqual([]);
  });
});
