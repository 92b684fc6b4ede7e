import request from 'supertest';
import type { App } from '../../src/app.js';
import { auth } from './app.js';

export const ACME_PHONE = '+12815550142';
export const BETA_PHONE = '+12815550199';

/** Two clients with one contact each, created through the API. */
export async function seedClients(app: App) {
  const acme = await request(app)
    .post('/api/clients')
    .set(auth)
    .send({
      name: 'Acme Dental',
      supportCode: '482913',
      contacts: [{ name: 'Dana Dentist', phone: ACME_PHONE, email: 'dana@acme.example' }],
    })
    .expect(201);
  const beta = await request(app)
    .post('/api/clients')
    .set(auth)
    .send({
      name: 'Beta Bakery',
      supportCode: '777111',
      contacts: [{ name: 'Bo Baker', phone: BETA_PHONE, email: 'bo@beta.example' }],
    })
    .expect(201);
  return { acme: acme.body, beta: beta.body };
}
