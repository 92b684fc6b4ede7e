import { afterAll, describe, expect, it, vi } from 'vitest';
import { dovecotBinary, startMailServer } from '../support/dovecot.js';
import { message } from '../support/mail-messages.js';
import { CONTRACT_YAML } from '../support/organisation.js';
import { queryDatabase } from '../support/db.js';
import { DEPLOYED_HEAP, startService, stopServices, type ServiceProcess } from '../support/service-process.js';

/**
 * Large mail against the service as deployed: its own process at the deployed heap (128 MB), reading a
 * real Dovecot. What is at stake is the process itself: while it is down no call is answered.
 */
const TOKEN = 'large-mail-token';
const auth = { authorization: `Bearer ${TOKEN}` };
const ORG = `${CONTRACT_YAML}
email:
  addresses: [{ address: support@omnipotech.example }]
  authentication: { trust: mx.omnipotech.example }
`;
/** What the helpdesk's receiving server writes on top of mail whose sender it verified. */
const VERIFIED = 'Authentication-Results: mx.omnipotech.example; dmarc=pass header.from=acme.example';

describe.skipIf(!dovecotBinary())('large mail, with the service at its deployed heap', async () => {
  const server = await startMailServer();
  let service: ServiceProcess;
  afterAll(async () => {
    await stopServices();
    await server.stop();
  });

  const api = async (path: string) => {
    const res = await fetch(`${service.url}${path}`, { headers: auth });
    expect(res.status, path).toBe(200);
    return res.json();
  };
  type Listed = { number: number; summary: string };
  const ticketNamed = async (summary: string, timeout = 60_000): Promise<Listed> => {
    let found: Listed | undefined;
    await vi.waitFor(
      async () => {
        found = ((await api('/api/tickets')) as Listed[]).find((t) => t.summary === summary);
        expect(found, `a ticket "${summary}"`).toBeDefined();
      },
      { timeout, interval: 250 },
    );
    return found!;
  };
  const bodyOf = async (number: number): Promise<string> =>
    ((await api(`/api/tickets/${number}`)) as { messages: { direction: string; body: string }[] }).messages.find(
      (m) => m.direction === 'in',
    )!.body;
  const mail = (subject: string, body: string) =>
    message({ from: 'Dana Dentist <dana@acme.example>', subject, body, headers: [VERIFIED] }).raw;

  it('starts, with a client whose contact writes in', async () => {
    service = await startService({
      orgYaml: ORG,
      env: { API_TOKEN: TOKEN, IMAP_URL: server.url() },
      nodeArgs: DEPLOYED_HEAP,
      startTimeoutMs: 60_000,
    });
    const res = await fetch(`${service.url}/api/clients`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({
        name: 'Acme Dental',
        supportCode: '4417',
        contacts: [{ name: 'Dana Dentist', phone: '+12815550142', email: 'dana@acme.example' }],
        domains: ['acme.example'],
      }),
    });
    expect(res.status).toBe(201);
  });

  it('takes 8 MB of short lines and 20 MB of log lines without dying, keeping the start of each and saying so', async () => {
    const pid = service.pid;
    await server.deliver(mail('Backup log (short lines)', 'ok\r\n'.repeat(2_000_000)));
    const logLine = `2026-11-24T09:00:00Z backup[4242]: copied block ${'0'.repeat(20)} to the tape in slot 7, ok\r\n`;
    await server.deliver(mail('Backup log (long)', logLine.repeat(Math.ceil((20 * 1024 * 1024) / logLine.length))));
    await server.deliver(mail('The printer after the logs', 'The printer on floor 2 is jammed again.'));

    const ordinary = await ticketNamed('The printer after the logs', 120_000);
    expect(await bodyOf(ordinary.number)).toBe('The printer on floor 2 is jammed again.');
    for (const summary of ['Backup log (short lines)', 'Backup log (long)']) {
      const body = await bodyOf((await ticketNamed(summary)).number);
      expect(body.startsWith(summary.includes('short') ? 'ok\nok\n' : '2026-11-24T09:00:00Z backup[4242]')).toBe(true);
      expect(body).toMatch(/the rest of this message \([\d.]+ MB\) was not kept/i);
    }
    expect(service.pid).toBe(pid);
    expect(service.logs().some((l) => /heap limit|out of memory/i.test(l))).toBe(false);
  }, 180_000);

  it('takes four messages of 1–2.5 MB arriving at once without dying', async () => {
    const pid = service.pid;
    const sizes = [1, 1.5, 2, 2.5];
    for (const [i, mb] of sizes.entries())
      await server.deliver(mail(`Burst ${i + 1}`, 'x\r\n'.repeat(Math.round((mb * 1024 * 1024) / 3))));
    for (const i of sizes.keys()) await ticketNamed(`Burst ${i + 1}`, 120_000);
    expect(service.pid).toBe(pid);
    const health = await fetch(`${service.url}/healthz`);
    expect(health.status).toBe(200);
  }, 180_000);

  it('sets aside, on the next start, a message that was being taken when the service died, and reads on', async () => {
    // 30 MB of log lines take a few seconds to read: the service is killed while it reads them.
    const logLine = `2026-11-24T09:00:00Z nas[77]: scrub of pool tank, block ${'f'.repeat(24)} checked\r\n`;
    const uid = await server.deliver(
      mail('NAS scrub log', logLine.repeat(Math.ceil((30 * 1024 * 1024) / logLine.length))),
    );
    await service.waitForLog(new RegExp(`"uid":${uid},.*taking a large message`), 60_000);
    await service.kill('SIGKILL');
    await server.deliver(mail('After the restart', 'The scanner is offline.'));

    await service.restart();
    await service.waitForLog('it is set aside, not read again', 30_000);
    await ticketNamed('After the restart', 60_000);
    await vi.waitFor(async () => expect((await server.flags()).get(uid)?.has('\\Seen')).toBe(true));
    const listed = (await api('/api/tickets')) as Listed[];
    expect(listed.some((t) => t.summary === 'NAS scrub log')).toBe(false);
    const [aside] = await queryDatabase<{ outcome: string; error: string; subject: string }>(
      service.databaseUrl,
      `select outcome, error, subject from inbound_mail where key like 'aside:%'`,
    );
    expect(aside).toMatchObject({ outcome: 'failed', subject: 'NAS scrub log' });
    expect(aside!.error).toContain('the service stopped while it was being taken');
    // Never read again: another start takes nothing more of it.
    await service.restart();
    await service.waitForLog('reading the helpdesk mailbox', 30_000);
    await new Promise((r) => setTimeout(r, 2_000));
    expect(service.logs().some((l) => l.includes('taking a large message'))).toBe(false);
  }, 240_000);
});
