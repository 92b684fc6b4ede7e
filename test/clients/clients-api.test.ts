import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { auth, testApp } from '../support/app.js';
import { organisationFrom } from '../support/organisation.js';

describe('the clients API', async () => {
  const { app } = await testApp();
  const acme = {
    name: 'Acme Dental',
    supportCode: '482913',
    contacts: [{ name: 'Dana Dentist', phone: '(281) 555-0142', email: 'dana@acme.example' }],
  };

  it('creates a client with its contacts, phones in E.164', async () => {
    const res = await request(app).post('/api/clients').set(auth).send(acme).expect(201);
    expect(res.body).toMatchObject({ name: 'Acme Dental', supportCode: '482913' });
    expect(res.body.contacts).toEqual([
      expect.objectContaining({ name: 'Dana Dentist', phone: '+12815550142', email: 'dana@acme.example' }),
    ]);
    const one = await request(app).get(`/api/clients/${res.body.id}`).set(auth).expect(200);
    expect(one.body.contacts[0].phone).toBe('+12815550142');
    const all = await request(app).get('/api/clients').set(auth).expect(200);
    expect(all.body.map((c: { name: string }) => c.name)).toContain('Acme Dental');
  });

  it('answers 409 for a support code already in use', async () => {
    const res = await request(app)
      .post('/api/clients')
      .set(auth)
      .send({ ...acme, name: 'Other' })
      .expect(409);
    expect(res.body.error).toMatchObject({
      code: 'support_code_taken',
      message: 'Support code 482913 already belongs to another client',
    });
  });

  it('answers 400 naming the fields for bad input', async () => {
    const res = await request(app)
      .post('/api/clients')
      .set(auth)
      .send({ name: '', supportCode: '12a', contacts: [{ name: 'X', email: 'not-mail' }] })
      .expect(400);
    expect(Object.keys(res.body.error.fields).sort()).toEqual(['contacts[0].email', 'name', 'supportCode']);
    expect(res.body.error.fields.supportCode).toBe('must be 4 to 12 digits');
    const phone = await request(app)
      .post('/api/clients')
      .set(auth)
      .send({ name: 'Y', supportCode: '99999', contacts: [{ name: 'Z', phone: '12' }] })
      .expect(400);
    expect(phone.body.error.fields).toEqual({ 'contacts[0].phone': '"12" is not a valid phone number' });
  });

  it('answers 400 naming a field it does not know, instead of dropping it', async () => {
    const res = await request(app)
      .post('/api/clients')
      .set(auth)
      .send({
        ...acme,
        supportCode: '55555',
        domain: ['acme.example'],
        contacts: [{ name: 'Q', phone: '+12815550100', mobile: 'x' }],
      })
      .expect(400);
    expect(res.body.error.fields).toEqual({
      domain: 'is not a field (did you mean "domains"?)',
      'contacts[0].mobile': 'is not a field (known here: name, phone, email)',
    });
  });

  it('refuses a level or a line the organisation file does not define', async () => {
    const res = await request(app)
      .post('/api/clients')
      .set(auth)
      .send({ ...acme, supportCode: '55556', level: 'gold', lines: ['noc'] })
      .expect(400);
    expect(res.body.error.fields).toEqual({
      level: 'the organisation file defines no support_levels',
      'lines[0]': 'the organisation file defines no service_lines',
    });
  });

  it('answers 400 for a body that is not JSON, and 404 for an unknown client', async () => {
    const res = await request(app)
      .post('/api/clients')
      .set(auth)
      .set('content-type', 'application/json')
      .send('{"name":')
      .expect(400);
    expect(res.body.error.code).toBe('invalid_json');
    await request(app).get('/api/clients/424242').set(auth).expect(404);
    await request(app).get('/api/clients/abc').set(auth).expect(400);
  });

  it('answers 401 without the token, and with a wrong one', async () => {
    const none = await request(app).get('/api/clients').expect(401);
    expect(none.body.error.code).toBe('unauthorized');
    await request(app).get('/api/clients').set('Authorization', 'Bearer wrong').expect(401);
  });
});

describe('the API with no API_TOKEN set', async () => {
  const { app } = await testApp({ env: { API_TOKEN: '' } });
  it('refuses every request and says how to turn it on', async () => {
    const res = await request(app).get('/api/clients').set(auth).expect(401);
    expect(res.body.error.message).toContain('API_TOKEN');
  });
  it('still answers the health check', async () => {
    const res = await request(app).get('/healthz').expect(200);
    expect(res.body.status).toBe('ok');
  });
});

describe('the clients API with service lines and support levels', async () => {
  const { app } = await testApp({
    organisation: organisationFrom(undefined, (doc) => {
      doc.service_lines = [
        { id: 'software', name: 'Software support', on_call: { rotation: ['erin'], shift: 'daily', handoff: '08:00' } },
        { id: 'noc', name: 'Network operations', on_call: { rotation: ['ed'], shift: 'daily', handoff: '08:00' } },
      ];
      doc.support_levels = { standard: { after_hours_emergency: 'billable' }, premium: {} };
    }),
  });

  it('keeps the level and the lines of the contract', async () => {
    const res = await request(app)
      .post('/api/clients')
      .set(auth)
      .send({ name: 'Nimbus', supportCode: '5150', level: 'premium', lines: ['noc'], contacts: [] })
      .expect(201);
    expect(res.body).toMatchObject({ level: 'premium', lines: ['noc'] });
    expect((await request(app).get(`/api/clients/${res.body.id}`).set(auth).expect(200)).body).toMatchObject({
      level: 'premium',
      lines: ['noc'],
    });
    const plain = await request(app)
      .post('/api/clients')
      .set(auth)
      .send({ name: 'Plain', supportCode: '5151' })
      .expect(201);
    expect(plain.body).toMatchObject({ level: null, lines: null });
    const bad = await request(app)
      .post('/api/clients')
      .set(auth)
      .send({ name: 'Bad', supportCode: '5152', level: 'gold', lines: ['voip'] })
      .expect(400);
    expect(bad.body.error.fields).toEqual({
      level: '"gold" is not a support level (standard, premium)',
      'lines[0]': '"voip" is not a service line (software, noc)',
    });
  });
});
