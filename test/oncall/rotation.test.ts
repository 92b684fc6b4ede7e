import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { rotationShiftAt } from '../../src/oncall/index.js';
import { organisationFrom } from '../support/organisation.js';
import { auth, testApp } from '../support/app.js';

const weekly = organisationFrom(undefined, (d) => (d.on_call.start = '2026-03-02'));
const who = (org: typeof weekly, iso: string) => rotationShiftAt(org.onCall, org.timezone, new Date(iso)).staffId;

describe('the weekly rotation', async () => {
  it('hands off on Monday at 09:00 local on the first Monday of daylight saving time', () => {
    // Erin has the week from Monday 2 March; on 9 March 09:00 CDT (14:00Z) Ed takes over.
    expect(who(weekly, '2026-03-09T13:59:00Z')).toBe('erin');
    expect(who(weekly, '2026-03-09T14:00:00Z')).toBe('ed');
    expect(who(weekly, '2026-03-16T13:59:00Z')).toBe('ed');
    expect(who(weekly, '2026-03-16T14:00:00Z')).toBe('erin');
  });

  it('gives the shift’s start and end as instants', () => {
    const shift = rotationShiftAt(weekly.onCall, weekly.timezone, new Date('2026-03-10T12:00:00Z'));
    expect(shift.from.toISOString()).toBe('2026-03-09T14:00:00.000Z');
    expect(shift.until.toISOString()).toBe('2026-03-16T14:00:00.000Z');
  });
});

describe('the daily rotation across the fall-back change', async () => {
  const daily = organisationFrom(undefined, (d) => {
    d.on_call = { rotation: ['erin', 'ed', 'alan'], shift: 'daily', handoff: '08:00', start: '2026-10-30' };
  });
  it('keeps the 08:00 local hand-off on both sides of 1 November', () => {
    expect(who(daily, '2026-10-31T12:59:00Z')).toBe('erin'); // Sat 07:59 CDT: still Friday's shift
    expect(who(daily, '2026-10-31T13:00:00Z')).toBe('ed'); // Sat 08:00 CDT
    expect(who(daily, '2026-11-01T13:59:00Z')).toBe('ed'); // Sun 07:59 CST (UTC-6)
    expect(who(daily, '2026-11-01T14:00:00Z')).toBe('alan'); // Sun 08:00 CST
    expect(who(daily, '2026-11-02T14:00:00Z')).toBe('erin');
  });
});

describe('GET /api/oncall with overrides', async () => {
  // Tuesday 10 March 2026, 12:00 CDT: Ed's week.
  const { app } = await testApp({ organisation: weekly, now: '2026-03-10T17:00:00Z' });

  it('answers who is on call now, who is next and the hand-off time', async () => {
    const res = await request(app).get('/api/oncall').set(auth).expect(200);
    expect(res.body.now.staff).toMatchObject({ id: 'ed', name: 'Ed Engineer' });
    expect(res.body.now.source).toBe('rotation');
    expect(res.body.next.staff.id).toBe('erin');
    expect(res.body.handoff).toBe('2026-03-16T14:00:00.000Z');
  });

  it('puts an override’s person on call for its span, then hands back to the rotation', async () => {
    const created = await request(app)
      .post('/api/oncall/overrides')
      .set(auth)
      .send({
        staffId: 'alan',
        startsAt: '2026-03-10T16:00:00Z',
        endsAt: '2026-03-11T14:00:00Z',
        reason: 'Ed at the dentist',
      })
      .expect(201);
    const now = await request(app).get('/api/oncall').set(auth).expect(200);
    expect(now.body.now).toMatchObject({
      staff: { id: 'alan' },
      source: 'override',
      until: '2026-03-11T14:00:00.000Z',
    });
    expect(now.body.next).toMatchObject({ staff: { id: 'ed' }, source: 'rotation', from: '2026-03-11T14:00:00.000Z' });

    const list = await request(app).get('/api/oncall/overrides').set(auth).expect(200);
    expect(list.body.map((o: { staffId: string }) => o.staffId)).toEqual(['alan']);

    await request(app).delete(`/api/oncall/overrides/${created.body.id}`).set(auth).expect(200);
    const after = await request(app).get('/api/oncall').set(auth).expect(200);
    expect(after.body.now.staff.id).toBe('ed');
  });

  it('refuses an override for someone not on the staff, or that ends before it starts', async () => {
    const unknown = await request(app)
      .post('/api/oncall/overrides')
      .set(auth)
      .send({ staffId: 'zoe', startsAt: '2026-03-10T16:00:00Z', endsAt: '2026-03-11T14:00:00Z' })
      .expect(400);
    expect(unknown.body.error.fields).toEqual({ staffId: 'is not a staff id' });
    const backwards = await request(app)
      .post('/api/oncall/overrides')
      .set(auth)
      .send({ staffId: 'alan', startsAt: '2026-03-11T16:00:00Z', endsAt: '2026-03-10T14:00:00Z' })
      .expect(400);
    expect(backwards.body.error.fields.endsAt).toBe('must be after startsAt');
    await request(app).delete('/api/oncall/overrides/9999').set(auth).expect(404);
  });
});
