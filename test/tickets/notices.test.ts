import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { outbox, tickets } from '../../src/db/schema.js';
import { recordVoicemail } from '../../src/tickets/index.js';
import { auth, testApp } from '../support/app.js';
import { execDatabase, onSqlite } from '../support/db.js';
import { ACME_PHONE, seedClients } from '../support/seed.js';

describe('a requester notice that cannot be written', async () => {
  const { app, db, url, services } = await testApp({ now: '2026-11-24T04:00:00Z' });

  it('never costs the emergency: the ticket, its pages and the acknowledgement stand, and the timeline says so', async () => {
    const { acme } = await seedClients(app);
    // The database refuses every requester notice (as a full disk or a broken row would).
    await execDatabase(
      url,
      onSqlite
        ? `create trigger refuse_requester before insert on outbox when new.purpose = 'requester' begin select raise(abort, 'disk says no'); end`
        : `create function refuse_requester() returns trigger language plpgsql as $$
             begin if new.purpose = 'requester' then raise exception 'disk says no'; end if; return new; end $$;
           create trigger refuse_requester before insert on outbox for each row execute function refuse_requester();`,
    );
    const made = await recordVoicemail(services.tickets, {
      recordingSid: 'RE40000000000000000000000000000001',
      kind: 'emergency',
      durationSeconds: 30,
      callerNumber: ACME_PHONE,
      clientId: acme.id,
      contactId: acme.contacts[0].id,
      source: 'record_action',
      canAskAgain: false,
    });
    expect(made.result).toBe('created');
    expect(await db.q.select().from(tickets)).toHaveLength(1);
    expect((await db.q.select().from(outbox)).filter((r) => r.purpose === 'page').length).toBeGreaterThan(0);

    const number = (await db.q.select().from(tickets))[0]!.number;
    await request(app).post(`/api/tickets/${number}/ack`).set(auth).send({ staffId: 'erin' }).expect(200);
    const timeline = (await request(app).get(`/api/tickets/${number}`).set(auth).expect(200)).body.timeline;
    expect(
      timeline
        .filter((e: { type: string; detail: { text?: string } }) => e.type === 'note')
        .map((e: { detail: { text: string; error: string } }) => [e.detail.text, e.detail.error]),
    ).toEqual([
      ['the requester could not be told (opened)', 'disk says no'],
      ['the requester could not be told (acknowledged)', 'disk says no'],
    ]);
    expect(timeline.map((e: { type: string }) => e.type)).toContain('acknowledged');
  });
});
