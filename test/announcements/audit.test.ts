import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { tellEndedAnnouncements } from '../../src/announcements/index.js';
import { auth, signedIn, testApp } from '../support/app.js';
import { seedClients } from '../support/seed.js';

/** The audit trail as an administrator reads it on the dashboard: one row of text per entry, newest first. */
async function auditRows(agent: ReturnType<typeof request.agent>): Promise<string[]> {
  const page = await agent.get('/dashboard/audit').expect(200);
  return [...page.text.matchAll(/<tr><td data-label="When">([\s\S]*?)<\/tr>/g)].map((m) =>
    m[1]!
      .replace(/<[^>]+>/g, ' ')
      .replace(/&quot;/g, '"')
      .replace(/\s+/g, ' ')
      .trim(),
  );
}

describe('announcements in the audit trail', async () => {
  const h = await testApp({ env: { CLIENT_IP_HEADER: 'fly-client-ip' }, now: '2026-11-24T15:00:00Z' });
  await seedClients(h.app);
  const admin = await signedIn(h, { email: 'root@example.com', name: 'Admin', role: 'admin' });

  it('records posting, taking down and the emails sent, through the API', async () => {
    const posted = await request(h.app)
      .post('/api/announcements')
      .set(auth)
      .set('fly-client-ip', '203.0.113.7')
      .send({ text: 'Email is down since 8 a.m.', notify: true })
      .expect(201);
    expect(posted.body.notified).toBe(2);
    await request(h.app)
      .delete(`/api/announcements/${posted.body.id}`)
      .set(auth)
      .set('fly-client-ip', '203.0.113.8')
      .expect(200);
    const rows = await auditRows(admin.agent);
    const id = `"announcementId":${posted.body.id}`;
    expect(rows.find((r) => r.includes('Took down an announcement'))).toMatch(
      new RegExp(`api 203\\.0\\.113\\.8 .*${id}`),
    );
    expect(rows.filter((r) => r.includes('Emailed the clients about an announcement'))).toEqual([
      expect.stringMatching(new RegExp(`api 203\\.0\\.113\\.8 .*${id}.*"phase":"ended".*"emailed":2`)),
      expect.stringMatching(new RegExp(`api 203\\.0\\.113\\.7 .*${id}.*"phase":"posted".*"emailed":2`)),
    ]);
    expect(rows.find((r) => r.includes('Posted an announcement'))).toMatch(
      new RegExp(`api 203\\.0\\.113\\.7 .*${id}.*Email is down since 8 a\\.m\\.`),
    );
  });

  it('records posting and taking down on the dashboard, by whom', async () => {
    const office = await signedIn(h, { email: 'olive@example.com', name: 'Olive Office', role: 'office' });
    await office.agent
      .post('/dashboard/announcements')
      .set('fly-client-ip', '198.51.100.4')
      .type('form')
      .send({ _csrf: office.csrf, text: 'The VPN is down.' })
      .expect(303);
    const [made] = (await request(h.app).get('/api/announcements').set(auth)).body.filter(
      (a: { text: string }) => a.text === 'The VPN is down.',
    );
    await office.agent
      .post(`/dashboard/announcements/${made.id}/end`)
      .set('fly-client-ip', '198.51.100.4')
      .type('form')
      .send({ _csrf: office.csrf })
      .expect(303);
    const rows = await auditRows(admin.agent);
    expect(rows[0]).toMatch(/Took down an announcement olive@example\.com 198\.51\.100\.4/);
    expect(rows[1]).toMatch(/Posted an announcement olive@example\.com 198\.51\.100\.4 .*The VPN is down\./);
  });

  it('records the emails sent when an announcement ends by itself', async () => {
    const ends = new Date(h.clock.now().getTime() + 3_600_000).toISOString();
    const posted = await request(h.app)
      .post('/api/announcements')
      .set(auth)
      .send({ text: 'Planned maintenance tonight.', endsAt: ends, notify: true })
      .expect(201);
    h.clock.advance(3_600_000 + 1_000);
    expect(await tellEndedAnnouncements(h.services.announcements)).toBe(1);
    const [latest] = await auditRows(admin.agent);
    expect(latest).toMatch(
      new RegExp(`Emailed the clients about an announcement .*"announcementId":${posted.body.id}.*"phase":"ended"`),
    );
  });
});
