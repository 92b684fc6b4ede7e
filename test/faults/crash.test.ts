import { afterAll, describe, expect, it, vi } from 'vitest';
import { startService, stopServices } from '../support/service-process.js';
import { queryDatabase } from '../support/db.js';
import { ALAN, ERIN, ORG_YAML, emergencyCall, startProviders, undelivered } from './support.js';

const providers = await startProviders();
const { twilio, smtp, slack } = providers;
afterAll(async () => {
  await stopServices();
  await providers.close();
});

const pages = (phone: string) => twilio.messages.filter((m) => m.to === phone && m.body.startsWith('EMERGENCY'));

describe('the service killed (SIGKILL) while it is handing pages over', async () => {
  it('after the restart, settles what was in flight with each provider: every page arrives, no text twice', async () => {
    // Twilio takes Erin's page and never answers; Alan's connection breaks before Twilio has it;
    // Slack takes the post and never answers.
    twilio.fault = (kind, form) =>
      kind === 'message' && form.To === ERIN
        ? { mode: 'hold' }
        : kind === 'message' && form.To === ALAN
          ? { mode: 'drop-before' }
          : undefined;
    slack.state.hangPosts = true;
    const service = await startService({
      env: { ...providers.env, TWILIO_TIMEOUT: '3s', SLACK_TIMEOUT: '3s' },
      orgYaml: ORG_YAML,
    });

    const answer = await emergencyCall(service, twilio, '+13125550801');
    expect(answer.status).toBe(200);
    expect(answer.text).toContain('Your ticket number is');
    await vi.waitFor(() => {
      expect(pages(ERIN)).toHaveLength(1);
      expect(slack.posts.C0EMERGENCY ?? []).toHaveLength(1);
    });
    await service.kill('SIGKILL'); // mid-send: Erin's text and the post are taken, unanswered
    expect(pages(ALAN)).toHaveLength(0);

    twilio.fault = undefined;
    slack.state.hangPosts = false;
    await service.restart();
    const restartedAt = Date.now();
    await vi.waitFor(async () => expect(await undelivered(service.databaseUrl)).toBe(0), {
      timeout: 30_000,
      interval: 250,
    });
    const lastPageAfter = Date.now() - restartedAt;

    expect(pages(ERIN)).toHaveLength(1); // found in Twilio's list: not sent again
    expect(pages(ALAN)).toHaveLength(1); // never taken: sent after the restart
    expect(slack.posts.C0EMERGENCY).toHaveLength(1); // found by its metadata reference
    expect(smtp.mails.map((m) => m.to[0])).toEqual(expect.arrayContaining(['erin@example.com', 'alan@example.com']));
    // The restarted instance (same machine and port) settles what its earlier process left at once, on
    // either engine, rather than waiting out the leases (25 s) as it must for another instance's rows.
    expect(lastPageAfter).toBeLessThan(20_000);
    const rows = await queryDatabase<{ staffId: string | null; channel: string; status: string; providerId: string }>(
      service.databaseUrl,
      `select channel, staff_id as "staffId", status, provider_id as "providerId" from outbox where purpose = 'page'`,
    );
    expect(rows.every((r) => r.status === 'sent')).toBe(true);
    expect(rows.find((r) => r.staffId === 'erin' && r.channel === 'sms')?.providerId).toBe(pages(ERIN)[0]!.sid);
    expect(service.logs().some((l) => l.includes('settled: the provider had taken it'))).toBe(true);
    // Stopped here: the next test's fallback recording lands in the same stand-in Twilio account, and this
    // service's reconciliation (every minute on the minute) would ingest it into its own database too.
    await service.kill('SIGTERM');
  }, 60_000);

  it('pages a voicemail the fallback document took while the service was down, right after it comes back', async () => {
    twilio.recordings.length = 0; // a fresh account: only the recording below
    const service = await startService({ env: providers.env, orgYaml: ORG_YAML });
    await service.kill('SIGKILL');
    // While it is down, Twilio's fallback document takes a voicemail: only the recording exists.
    twilio.recordings.push({
      sid: 'RE000000000000000000000000fallback',
      callSid: 'CA000000000000000000000000fallback',
      duration: 33,
      createdAt: new Date(),
      from: '+13125550802',
    });
    await service.restart();
    const restartedAt = Date.now();
    const paged = () => pages(ERIN).filter((m) => m.body.includes('from +13125550802'));
    await vi.waitFor(() => expect(paged()).toHaveLength(1), { timeout: 90_000, interval: 250 });
    // Right after start-up: its own lease on the job from before the crash does not hold it up.
    expect(Date.now() - restartedAt).toBeLessThan(30_000);
  }, 120_000);
});
