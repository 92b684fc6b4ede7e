import { XMLParser } from 'fast-xml-parser';
import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import { auth } from '../support/app.js';
import { portalHarness, portalSignIn } from '../support/portal.js';

const NOW = '2026-11-24T15:00:00Z';
type Entry = { id: string; title: string; updated: string; published?: string; content?: unknown };
const entriesOf = (xml: string): Entry[] => {
  const feed = new XMLParser({ ignoreAttributes: false }).parse(xml).feed;
  return ([] as Entry[]).concat(feed.entry ?? []);
};

/** Known outages and planned work, for anyone at /status and in its feed; on the portal, a client’s own too. */
describe('public notices', async () => {
  const h = await portalHarness({ now: NOW });
  const post = (body: Record<string, unknown>) => request(h.app).post('/api/announcements').set(auth).send(body);
  const ids: Record<string, number> = {};

  beforeAll(async () => {
    h.clock.set('2026-10-01T15:00:00Z');
    ids.old = (await post({ text: 'Old outage from October', endsAt: '2026-10-02T00:00:00Z' }).expect(201)).body.id;
    h.clock.set('2026-11-10T15:00:00Z');
    ids.recent = (
      await post({ text: 'Recent mail outage, now over', endsAt: '2026-11-11T00:00:00Z' }).expect(201)
    ).body.id;
    h.clock.set(NOW);
    ids.now = (await post({ text: 'Email is down since 8 a.m.; we are on it.' }).expect(201)).body.id;
    ids.acme = (
      await post({ text: 'Acme: your server migration starts at noon.', clientIds: [h.acme.id] }).expect(201)
    ).body.id;
    ids.noc = (await post({ text: 'A fibre cut slows network customers.', lines: ['noc'] }).expect(201)).body.id;
    ids.planned = (
      await post({
        text: 'Planned phone system maintenance on Saturday.',
        startsAt: '2026-11-28T14:00:00Z',
        endsAt: '2026-11-28T16:00:00Z',
      }).expect(201)
    ).body.id;
    const withdrawn = await post({ text: 'Withdrawn work', startsAt: '2026-11-30T14:00:00Z' }).expect(201);
    await request(h.app).delete(`/api/announcements/${withdrawn.body.id}`).set(auth).expect(200);
  });

  it('lists the notices for everyone at /status, without signing in: current, planned and the last 30 days, newest first', async () => {
    const res = await request(h.app).get('/status').expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    const order = ['Planned phone system maintenance', 'Email is down since 8 a.m.', 'Recent mail outage'].map((t) =>
      res.text.indexOf(t),
    );
    expect(order.every((i) => i >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    for (const hidden of ['Old outage from October', 'Acme: your server', 'A fibre cut', 'Withdrawn work'])
      expect(res.text).not.toContain(hidden);
    expect(res.text).toContain('/status/feed.atom');
  });

  it('answers /status.json with the same notices', async () => {
    const res = await request(h.app).get('/status.json').expect(200);
    expect(res.body.notices.map((n: { id: number }) => n.id)).toEqual([ids.planned, ids.now, ids.recent]);
    expect(res.body.notices[1]).toEqual({
      id: ids.now,
      text: 'Email is down since 8 a.m.; we are on it.',
      startsAt: null,
      endsAt: null,
      live: true,
    });
    expect(res.body.notices[2]).toMatchObject({ live: false, endsAt: '2026-11-11T00:00:00.000Z' });
    expect(res.body.notices[0]).toMatchObject({ live: false, startsAt: '2026-11-28T14:00:00.000Z' });
  });

  it('publishes an Atom feed with one entry per notice, a stable id, and its end as an update', async () => {
    const first = await request(h.app).get('/status/feed.atom').expect(200);
    expect(first.headers['content-type']).toMatch(/^application\/atom\+xml/);
    const entries = entriesOf(first.text);
    expect(entries).toHaveLength(3);
    const recent = entries.find((e) => e.id.endsWith(`/${ids.recent}`))!;
    expect(recent.updated).toBe('2026-11-11T00:00:00.000Z');
    expect(recent.title).toMatch(/^Resolved: /);
    const current = entries.find((e) => e.id.endsWith(`/${ids.now}`))!;
    expect(current.updated).toBe(NOW.replace('Z', '.000Z'));

    h.clock.advance(90 * 60_000);
    await request(h.app).delete(`/api/announcements/${ids.now}`).set(auth).expect(200);
    const after = entriesOf((await request(h.app).get('/status/feed.atom').expect(200)).text);
    const ended = after.find((e) => e.id === current.id)!;
    expect(ended).toBeDefined();
    expect(ended.updated).toBe('2026-11-24T16:30:00.000Z');
    expect(ended.title).toMatch(/^Resolved: Email is down/);
    expect(after.map((e) => e.id).sort()).toEqual(entries.map((e) => e.id).sort());
  });

  it('keeps the feed well-formed whatever an announcement was given: characters XML forbids are left out', async () => {
    const posted = await post({ text: 'Printer\u0001 queue\u0008 stuck\uFFFF on floor 2' }).expect(201);
    expect(posted.body.text).toBe('Printer queue stuck on floor 2');
    const xml = (await request(h.app).get('/status/feed.atom').expect(200)).text;
    expect(() => new XMLParser().parse(xml, true)).not.toThrow();
    expect(xml).toContain('Printer queue stuck on floor 2');
    const json = (await request(h.app).get('/status.json').expect(200)).body;
    expect(json.notices.map((n: { text: string }) => n.text)).toContain('Printer queue stuck on floor 2');
    await request(h.app).delete(`/api/announcements/${posted.body.id}`).set(auth).expect(200);
  });

  it('shows a signed-in contact the notices for their client and lines too, and links the public page', async () => {
    const dana = await portalSignIn(h, 'dana@acme.example');
    const bo = await portalSignIn(h, 'bo@beta.example');
    const acme = await dana.agent.get('/portal/notices').expect(200);
    for (const text of ['Acme: your server migration', 'A fibre cut slows', 'Planned phone system maintenance'])
      expect(acme.text).toContain(text);
    const beta = await bo.agent.get('/portal/notices').expect(200);
    expect(beta.text).toContain('Planned phone system maintenance');
    expect(beta.text).not.toContain('Acme: your server migration');
    expect(beta.text).not.toContain('A fibre cut'); // Beta's contract covers the software line only
    // The live ones are on the tickets page as well, with the public page linked.
    const tickets = await dana.agent.get('/portal/tickets').expect(200);
    expect(tickets.text).toContain('Acme: your server migration');
    expect(tickets.text).toContain('href="/status"');
  });
});
