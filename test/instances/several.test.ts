import { afterAll, describe, expect, it, vi } from 'vitest';
import { freshDatabaseUrl, onSqlite, queryDatabase } from '../support/db.js';
import { postTwilioWebhook, startService, stopServices, type ServiceProcess } from '../support/service-process.js';
import { ALAN, ERIN, startProviders } from '../faults/support.js';

/** The two people every emergency pages; no bundling, so each ticket has pages of its own; a quick escalation. */
const ORG_YAML = `
organization: { name: Twin Helpdesk, timezone: America/Chicago, helpdesk_number: "+12817684800" }
business_hours: { monday: ["09:00-17:00"] }
staff:
  - { id: erin, name: Erin Engineer, role: engineer, phone: "${ERIN}", email: erin@example.com }
  - { id: alan, name: Alan Architect, role: architect, phone: "${ALAN}", email: alan@example.com }
on_call: { rotation: [erin], shift: weekly, handoff: "monday 09:00" }
escalation: { ack_timeout: 10s, repeat: 1 }
paging: { bundling: false }
`;
const BURST = 12;

/** Both instances sit behind one public address, as behind a load balancer: Twilio signs for that. */
const PUBLIC_URL = 'http://localhost:7999';

/**
 * One emergency voicemail whose webhooks alternate between the instances, as a load balancer may send
 * them, with the recording's webhook also retried to the other instance at the same moment (Twilio
 * retries a webhook that seemed to fail).
 */
async function emergency(first: ServiceProcess, second: ServiceProcess, n: number) {
  const from = `+1312555${String(1000 + n)}`;
  const call = { CallSid: `CA${String(n).padStart(32, '0')}`, From: from, To: '+12817684800' };
  const recordingSid = `RE${String(n).padStart(32, '0')}`;
  await postTwilioWebhook(first, '/twilio/voice', call);
  await postTwilioWebhook(second, '/twilio/voice/menu?try=1', { ...call, Digits: '5' });
  await postTwilioWebhook(first, '/twilio/voice/emergency/code', { ...call, Digits: '' });
  const recorded = {
    ...call,
    RecordingSid: recordingSid,
    RecordingDuration: '20',
    RecordingUrl: `https://api.twilio.com/2010-04-01/Accounts/AC0/Recordings/${recordingSid}`,
    Digits: '#',
  };
  const path = '/twilio/voice/recorded?kind=emergency&try=1';
  return Promise.all([postTwilioWebhook(second, path, recorded), postTwilioWebhook(first, path, recorded)]);
}

// Instances share work only through a database several processes can use at once: PostgreSQL.
describe.skipIf(onSqlite)('two instances on one PostgreSQL database', async () => {
  const providers = onSqlite ? undefined : await startProviders();
  const database = onSqlite ? undefined : await freshDatabaseUrl();
  afterAll(async () => {
    await stopServices();
    await providers?.close();
  });

  it('a burst whose webhooks alternate and are retried to the other, one instance killed mid-send: every ticket, page and escalation call once', async () => {
    const { twilio, smtp, slack } = providers!;
    const env = { ...providers!.env, PUBLIC_URL, TWILIO_TIMEOUT: '3s', SMTP_TIMEOUT: '3s', SLACK_TIMEOUT: '3s' };
    const start = () => startService({ databaseUrl: database!.url, env, orgYaml: ORG_YAML });
    const [a, b] = await Promise.all([start(), start()]);
    // Twilio holds each text for a second and a half before answering: sends are in flight when A dies.
    twilio.fault = (kind) => (kind === 'message' ? { mode: 'delay', ms: 1_500 } : undefined);

    const answers = await Promise.all(
      Array.from({ length: BURST }, (_, i) => (i % 2 ? emergency(a, b, i + 1) : emergency(b, a, i + 1))),
    );
    for (const pair of answers) for (const answer of pair) expect(answer.status).toBe(200);
    // Both answers to a retried recording give the caller the same ticket number.
    for (const [one, other] of answers) {
      const number = /Your ticket number is ([\d ]+)\./.exec(one.text)?.[1];
      expect(number).toBeDefined();
      expect(other.text).toContain(`Your ticket number is ${number}.`);
    }
    await vi.waitFor(() => expect(twilio.messages.length).toBeGreaterThan(0), { timeout: 10_000, interval: 20 });
    await a.kill('SIGKILL');
    twilio.fault = undefined;
    // A comes back while B carries on: both now share what is left, and the escalations.
    await a.restart();

    const tickets = await queryDatabase<{ id: number; number: number; callerNumber: string }>(
      database!.url,
      'select id, number, caller_number as "callerNumber" from tickets order by id',
    );
    expect(tickets).toHaveLength(BURST);
    expect(new Set(tickets.map((t) => t.callerNumber)).size).toBe(BURST);
    const texts = (to: string, start: string) => twilio.messages.filter((m) => m.to === to && m.body.startsWith(start));
    const unfolded = () => smtp.mails.map((m) => ({ to: m.to[0], raw: m.raw.replace(/\r?\n[ \t]+/g, ' ') }));
    const calls = (staff: string, ticketId: number) =>
      twilio.calls.filter((c) => c.url.includes(`ticket=${ticketId}&`) && c.url.endsWith(`staff=${staff}`));

    // Every page, once: texts and emails to both people, one Slack post, per ticket.
    await vi.waitFor(
      () => {
        for (const t of tickets) {
          for (const phone of [ERIN, ALAN]) expect(texts(phone, `EMERGENCY TK-${t.number}:`)).toHaveLength(1);
          // An email the killed instance was handing to SMTP at that instant is sent again by the other: SMTP
          // cannot be asked what it took, and a second copy of an email is the accepted price (README, "When
          // something goes wrong"); texts and Slack posts are looked up with their provider and never doubled.
          for (const to of ['erin@example.com', 'alan@example.com']) {
            const copies = unfolded().filter((m) => m.to === to && m.raw.includes(`Emergency TK-${t.number}:`)).length;
            expect(copies).toBeGreaterThanOrEqual(1);
            expect(copies).toBeLessThanOrEqual(2);
          }
          expect((slack.posts.C0EMERGENCY ?? []).filter((p) => p.text?.includes(`TK-${t.number}`))).toHaveLength(1);
        }
      },
      { timeout: 45_000, interval: 250 },
    );

    // Nobody acknowledges: after 10 s the on-call engineer is phoned, after 20 s the architect, each step once;
    // an escalation never runs out, so the architect's call comes again every 10 s (ack_timeout), never sooner.
    const stepsApart = (staff: string, ticketId: number) =>
      calls(staff, ticketId)
        .map((c) => c.receivedAt)
        .sort((x, y) => x - y)
        .every((at, i, all) => i === 0 || at - all[i - 1]! >= 9_000);
    await vi.waitFor(
      () => {
        for (const t of tickets) {
          expect(calls('erin', t.id)).toHaveLength(1);
          expect(calls('alan', t.id).length).toBeGreaterThanOrEqual(1);
        }
      },
      { timeout: 60_000, interval: 250 },
    );
    // A few more runs of both instances' schedules change nothing but the architect's next repeat.
    await new Promise((r) => setTimeout(r, 6_000));
    for (const t of tickets) {
      expect(calls('erin', t.id)).toHaveLength(1);
      expect(calls('alan', t.id).length).toBeGreaterThanOrEqual(1);
      expect(stepsApart('alan', t.id)).toBe(true);
      for (const phone of [ERIN, ALAN]) {
        expect(texts(phone, `EMERGENCY TK-${t.number}:`)).toHaveLength(1);
        expect(texts(phone, `STILL UNACKNOWLEDGED TK-${t.number}`)).toHaveLength(1);
      }
    }
    const [left] = await queryDatabase<{ n: string }>(
      database!.url,
      `select count(*) as n from outbox where status in ('pending', 'sending', 'unknown', 'settling')`,
    );
    expect(Number(left!.n)).toBe(0);
    // What A had handed to Twilio when it died was found in Twilio's list by the instance that took it over.
    const settled = [...a.logs(), ...b.logs()].filter((l) => l.includes('settled: the provider had taken it'));
    expect(settled.length).toBeGreaterThan(0);
    expect(b.stderr()).toEqual([]);
  }, 150_000);
});
