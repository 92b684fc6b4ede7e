import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { saveAccount } from '../../src/auth/accounts.js';
import { testApp } from '../support/app.js';
import { onSqlite } from '../support/db.js';
import { askForLink } from '../support/portal.js';

const IP_HEADER = 'x-client-ip';
const PASSWORD = 'a long enough passphrase';

/** A browser's sign-in form on one instance: its cookie and token, then posts from an address. */
async function signInForm(app: Parameters<typeof request>[0]) {
  const form = await request(app).get('/dashboard/login').expect(200);
  const cookie = (form.headers['set-cookie'] as unknown as string[]).map((c) => c.split(';')[0]).join('; ');
  const csrf = /name="_csrf" value="([^"]+)"/.exec(form.text)![1]!;
  return (email: string, password: string, ip: string) =>
    request(app)
      .post('/dashboard/login')
      .set('Cookie', cookie)
      .set(IP_HEADER, ip)
      .type('form')
      .send({ _csrf: csrf, email, password });
}

describe(`sign-in limits across instances${onSqlite ? ' (SQLite: across a restart)' : ' on PostgreSQL'}`, () => {
  it('counts an address’s failed sign-ins against one limit whichever instance they reach', async () => {
    const first = await testApp({ env: { CLIENT_IP_HEADER: IP_HEADER } });
    // A second instance (on SQLite: the service started again) on the same database.
    const second = await testApp({ env: { CLIENT_IP_HEADER: IP_HEADER }, databaseUrl: first.url });
    await saveAccount(
      first.db,
      { email: 'olive@example.com', name: 'Olive Office', role: 'office', password: PASSWORD },
      first.clock.now(),
    );
    const [onFirst, onSecond] = [await signInForm(first.app), await signInForm(second.app)];
    for (let i = 0; i < 10; i++) {
      const post = i % 2 ? onSecond : onFirst;
      expect((await post('nobody@example.com', `guess ${i}`, '198.51.100.7')).status).toBe(401);
    }
    // Five failures reached each instance; the limit is ten for the address, wherever they went.
    for (const post of [onFirst, onSecond]) {
      const refused = await post('olive@example.com', PASSWORD, '198.51.100.7');
      expect(refused.status).toBe(429);
      expect(refused.text).toContain('Too many sign-in attempts');
    }
    // Another address is not held up.
    expect((await onSecond('olive@example.com', PASSWORD, '198.51.100.8')).status).toBe(303);
  });

  it('counts the portal’s sign-in links for an address across instances', async () => {
    const first = await testApp({ env: { CLIENT_IP_HEADER: IP_HEADER } });
    const second = await testApp({ env: { CLIENT_IP_HEADER: IP_HEADER }, databaseUrl: first.url });
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      const res = await askForLink(request.agent(i % 2 ? second.app : first.app), 'someone@example.org');
      statuses.push(res.status);
    }
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
  });
});
