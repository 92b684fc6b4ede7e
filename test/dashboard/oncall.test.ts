import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import { saveAccount } from '../../src/auth/index.js';
import { auth, testApp } from '../support/app.js';

const PASSWORD = 'a long enough passphrase';

async function signedIn(app: Parameters<typeof request.agent>[0], email: string) {
  const agent = request.agent(app);
  const form = await agent.get('/dashboard/login');
  const token = /name="_csrf" value="([^"]+)"/.exec(form.text)![1]!;
  await agent.post('/dashboard/login').type('form').send({ _csrf: token, email, password: PASSWORD }).expect(303);
  const page = await agent.get('/dashboard/oncall').expect(200);
  return { agent, page, csrf: /name="_csrf" value="([^"]+)"/.exec(page.text)![1]! };
}

describe('covering the rotation from the on-call page', async () => {
  // Tuesday 24 November 2026, 10:00 in Chicago.
  const { app, db, clock } = await testApp({ now: '2026-11-24T16:00:00Z' });
  beforeAll(async () => {
    await saveAccount(
      db,
      { email: 'olive@example.com', name: 'Olive Office', role: 'office', password: PASSWORD },
      clock.now(),
    );
    await saveAccount(
      db,
      { email: 'erin@example.com', name: 'Erin Engineer', role: 'engineer', password: PASSWORD },
      clock.now(),
    );
  });

  it('lets the office put someone on call for a while, in local time, and take it back', async () => {
    const before = (await request(app).get('/api/oncall').set(auth).expect(200)).body.now.staff.id;
    const cover = before === 'alan' ? 'ed' : 'alan';
    const { agent, page, csrf } = await signedIn(app, 'olive@example.com');
    expect(page.text).toContain('Cover the rotation');
    expect(page.text).toContain('value="2026-11-24T10:00"'); // the form starts at now, on the organisation's clock

    const added = await agent
      .post('/dashboard/oncall/overrides')
      .type('form')
      .send({
        _csrf: csrf,
        staffId: cover,
        startsAt: '2026-11-24T10:00',
        endsAt: '2026-11-24T18:30',
        reason: 'Erin at the dentist',
      })
      .redirects(1)
      .expect(200);
    expect(added.text).toMatch(/is on call from Tue 24 Nov 10:00 until Tue 24 Nov 18:30\./);
    const now = (await request(app).get('/api/oncall').set(auth).expect(200)).body;
    expect(now.now).toMatchObject({ staff: { id: cover }, source: 'override', until: '2026-11-25T00:30:00.000Z' });

    const backwards = await agent
      .post('/dashboard/oncall/overrides')
      .type('form')
      .send({ _csrf: csrf, staffId: cover, startsAt: '2026-11-24T12:00', endsAt: '2026-11-24T11:00' })
      .redirects(1);
    expect(backwards.text).toContain('The cover must end after it starts.');

    const id = /action="\/dashboard\/oncall\/overrides\/(\d+)\/remove"/.exec(added.text)![1];
    await agent.post(`/dashboard/oncall/overrides/${id}/remove`).type('form').send({ _csrf: csrf }).expect(303);
    expect((await request(app).get('/api/oncall').set(auth).expect(200)).body.now.staff.id).toBe(before);
  });

  it('shows engineers who is on call but not the form', async () => {
    const { agent, page, csrf } = await signedIn(app, 'erin@example.com');
    expect(page.text).not.toContain('Cover the rotation');
    await agent
      .post('/dashboard/oncall/overrides')
      .type('form')
      .send({ _csrf: csrf, staffId: 'erin', startsAt: '2026-11-24T10:00', endsAt: '2026-11-24T11:00' })
      .expect(403);
  });
});
