import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import { saveAccount } from '../../src/auth/accounts.js';
import { auth, testApp } from '../support/app.js';

describe('odd input to the dashboard and the new API routes', async () => {
  const { app, db, clock } = await testApp();
  const agent = request.agent(app);
  let csrf = '';
  beforeAll(async () => {
    await saveAccount(
      db,
      { email: 'root@example.com', name: 'Admin', role: 'admin', password: 'a long enough passphrase' },
      clock.now(),
    );
    const form = await agent.get('/dashboard/login');
    const token = /name="_csrf" value="([^"]+)"/.exec(form.text)![1]!;
    await agent
      .post('/dashboard/login')
      .type('form')
      .send({ _csrf: token, email: 'root@example.com', password: 'a long enough passphrase' })
      .expect(303);
    csrf = /name="_csrf" value="([^"]+)"/.exec((await agent.get('/dashboard/queue')).text)![1]!;
  });

  it('never answers a page or a form with a server error', async () => {
    const gets = [
      '/dashboard/tickets?status=bogus&priority[]=x&client=abc&page=-4',
      '/dashboard/tickets/TK-',
      '/dashboard/tickets/99999999999999999999',
      '/dashboard/reports?month=2026-13',
      '/dashboard/reports?month=2026-11&client=nope',
      '/dashboard/reports.csv?month=x',
      '/dashboard/after-hours?from=2026-02-30&to=2026-03-01',
      '/dashboard/after-hours?from=2026-03-02&to=2026-03-01',
      '/dashboard/after-hours.csv?from=&to=',
      '/dashboard/queue/rows',
      '/dashboard/oncall',
      '/dashboard/tickets/1/attachments/abc',
      '/dashboard/tickets/424242/attachments/99999999999999',
      '/dashboard/tickets?source=fax',
    ];
    for (const path of gets) {
      const res = await agent.get(path);
      expect(res.status, path).toBeLessThan(500);
    }
    const posts: [string, Record<string, string>][] = [
      ['/dashboard/callbacks', { phone: '' }],
      ['/dashboard/callbacks', { phone: '+13125550100', client: '999999' }],
      ['/dashboard/callbacks/abc/claim', {}],
      ['/dashboard/callbacks/424242/claim', {}],
      ['/dashboard/callbacks/424242/outcome', { outcome: 'maybe' }],
      ['/dashboard/callbacks/424242/call', {}],
      ['/dashboard/tickets/424242/priority', { priority: 'urgent' }],
      ['/dashboard/tickets/424242/status', { status: 'resolved' }],
      ['/dashboard/tickets/x/work', { minutes: 'many' }],
      ['/dashboard/tickets/424242/acknowledge', {}],
      ['/dashboard/tickets/424242/reply', { text: 'hello' }],
      ['/dashboard/tickets/x/reply', { text: '' }],
    ];
    for (const [path, body] of posts) {
      const res = await agent
        .post(path)
        .type('form')
        .send({ _csrf: csrf, ...body });
      expect(res.status, path).toBeLessThan(500);
    }
    const refused = await agent
      .post('/dashboard/callbacks')
      .type('form')
      .send({ _csrf: csrf, phone: '+13125550100', client: '999999' })
      .redirects(1);
    expect(refused.text).toContain('There is no client 999999');
  });

  it('answers the new API routes with clear 4xx errors', async () => {
    const cases: [string, string, unknown, number][] = [
      ['patch', '/api/tickets/1001', [], 400],
      ['patch', '/api/tickets/1001', { staffId: 'nobody', priority: 'high' }, 400],
      ['patch', '/api/tickets/1001', { staffId: 'olive' }, 400],
      ['patch', '/api/tickets/1001', { staffId: 'olive', priority: 'high' }, 404],
      ['post', '/api/tickets/1001/work', { staffId: 'olive', minutes: 'ten' }, 400],
      ['post', '/api/clients/77/packages', { unit: 'tickets', quantity: 5 }, 404],
      ['post', '/api/clients/77/packages', { unit: 'days', quantity: -1 }, 400],
      ['post', '/api/callbacks', { phone: '+13125550100', clientId: 424242 }, 400],
    ];
    for (const [method, path, body, status] of cases) {
      const res = await (method === 'patch' ? request(app).patch(path) : request(app).post(path))
        .set(auth)
        .send(body as object);
      expect([path, res.status]).toEqual([path, status]);
      expect(res.body.error.message).toBeTruthy();
    }
  });
});
