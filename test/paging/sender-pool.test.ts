import request from 'supertest';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { tickets } from '../../src/db/schema.js';
import { auth } from '../support/app.js';
import { queryDatabase } from '../support/db.js';
import { MESSAGING_SERVICE_SID, SENDER_POOL } from '../support/fake-twilio.js';
import { organisationFrom } from '../support/organisation.js';
import { pagingHarness } from '../support/paging.js';
import { emergencyFromUnknown, twilioPost } from '../support/phone.js';
import { startService, stopServices } from '../support/service-process.js';
import { ERIN, ORG_YAML, emergencyCall, startProviders, undelivered } from '../faults/support.js';

// TWILIO_MESSAGING_SERVICE_SID: texts go from the Messaging Service's pool of numbers; calls cannot, and
// still come from the helpdesk number.
const HELPDESK = '+12817684800';
const ED = '+15550200003'; // on call this Monday evening, on a desk phone: paged by a call
const ALAN = '+15550200002'; // the architect, paged by text

describe('pages through a Messaging Service', async () => {
  const h = await pagingHarness({
    env: { TWILIO_MESSAGING_SERVICE_SID: MESSAGING_SERVICE_SID },
    organisation: organisationFrom(undefined, (doc) => {
      doc.staff.find((s: { id: string }) => s.id === 'ed').landline = true;
    }),
  });

  it('texts from the pool (MessagingServiceSid, no From), calls from the helpdesk number; replies and receipts work', async () => {
    await emergencyFromUnknown(h.app, '+13125550701');
    await h.settle();
    const ticket = (await h.db.q.select().from(tickets)).at(-1)!;

    const page = h.twilio.messages.find((m) => m.to === ALAN)!;
    expect(page.body).toMatch(new RegExp(`^EMERGENCY TK-${ticket.number}`));
    expect(h.twilio.messages.length).toBeGreaterThan(0);
    for (const text of h.twilio.messages) {
      expect(text.messagingServiceSid).toBe(MESSAGING_SERVICE_SID);
      expect(text.requestedFrom).toBeUndefined();
      expect(SENDER_POOL).toContain(text.from);
    }
    const calls = h.twilio.calls.filter((c) => c.to === ED);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.from).toBe(HELPDESK);

    // Twilio's receipt for the page reaches the ticket's timeline, as without a Messaging Service.
    await twilioPost(h.app, page.statusCallback!, {
      MessageSid: page.sid,
      MessageStatus: 'delivered',
      To: ALAN,
      From: page.from,
    }).expect(200);
    // Alan answers the pool number the page came from; the service's incoming webhook brings it here.
    const reply = await twilioPost(h.app, '/twilio/sms', {
      MessageSid: 'SMin1',
      From: ALAN,
      To: page.from,
      Body: `ACK ${ticket.number}`,
    }).expect(200);
    expect(reply.text).toContain(`TK-${ticket.number} is yours.`);
    const shown = await request(h.app).get(`/api/tickets/${ticket.number}`).set(auth).expect(200);
    expect(shown.body.status).toBe('acknowledged');
    const delivered = shown.body.timeline.filter((e: { type: string }) => e.type === 'page_delivered');
    expect(delivered).toHaveLength(1);
    expect(JSON.stringify(delivered[0])).toContain('"to":"alan"');
  });
});

describe('a text through a Messaging Service whose outcome was unknown when the service died', async () => {
  const providers = await startProviders();
  const { twilio } = providers;
  afterAll(async () => {
    await stopServices();
    await providers.close();
  });
  const pages = (phone: string) => twilio.messages.filter((m) => m.to === phone && m.body.startsWith('EMERGENCY'));

  it('is found at Twilio after the restart, though it went from a pool number, and is not sent again', async () => {
    // Twilio takes Erin's page and never answers; the service is killed while it waits.
    twilio.fault = (kind, form) => (kind === 'message' && form.To === ERIN ? { mode: 'hold' } : undefined);
    const service = await startService({
      env: { ...providers.env, TWILIO_MESSAGING_SERVICE_SID: MESSAGING_SERVICE_SID, TWILIO_TIMEOUT: '3s' },
      orgYaml: ORG_YAML,
    });
    expect(
      service.logs().some((l) => l.includes(`SMS go out through Messaging Service ${MESSAGING_SERVICE_SID}`)),
    ).toBe(true);
    await emergencyCall(service, twilio, '+13125550811');
    const paged = () => pages(ERIN).filter((m) => m.body.includes('from +13125550811'));
    await vi.waitFor(() => expect(paged()).toHaveLength(1));
    await service.kill('SIGKILL');

    twilio.fault = undefined;
    await service.restart();
    await vi.waitFor(async () => expect(await undelivered(service.databaseUrl)).toBe(0), {
      timeout: 30_000,
      interval: 250,
    });
    expect(paged()).toHaveLength(1);
    expect(SENDER_POOL).toContain(paged()[0]!.from);
    const rows = await queryDatabase<{ providerId: string }>(
      service.databaseUrl,
      `select provider_id as "providerId" from outbox where purpose = 'page' and channel = 'sms' and recipient = '${ERIN}'`,
    );
    expect(rows.map((r) => r.providerId)).toEqual([paged()[0]!.sid]);
    expect(service.logs().some((l) => l.includes('settled: the provider had taken it'))).toBe(true);
    await service.kill('SIGTERM');
  }, 60_000);

  it('finds one sent from the helpdesk number before the Messaging Service was set, after a restart with it', async () => {
    // A fresh account: the last test's recording would otherwise be taken in as a voicemail missed while down.
    twilio.recordings.length = 0;
    const caller = '+13125550812';
    const paged = () => pages(ERIN).filter((m) => m.body.includes(`from ${caller}`));
    twilio.fault = (kind, form) => (kind === 'message' && form.To === ERIN ? { mode: 'hold' } : undefined);
    const service = await startService({ env: { ...providers.env, TWILIO_TIMEOUT: '3s' }, orgYaml: ORG_YAML });
    await emergencyCall(service, twilio, caller);
    await vi.waitFor(() => expect(paged()).toHaveLength(1));
    await service.kill('SIGKILL');
    expect(paged()[0]!.from).toBe(HELPDESK);

    twilio.fault = undefined;
    await service.restart({ TWILIO_MESSAGING_SERVICE_SID: MESSAGING_SERVICE_SID });
    await vi.waitFor(async () => expect(await undelivered(service.databaseUrl)).toBe(0), {
      timeout: 30_000,
      interval: 250,
    });
    expect(paged()).toHaveLength(1);
    expect(service.logs().some((l) => l.includes('settled: the provider had taken it'))).toBe(true);
    await service.kill('SIGTERM');
  }, 60_000);
});
