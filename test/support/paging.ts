import { afterAll } from 'vitest';
import { channelTimeouts } from '../../src/channels/index.js';
import { startOutboxWorker, type OutboxWorker } from '../../src/paging/index.js';
import { runDueEscalations } from '../../src/tickets/index.js';
import { testApp, type TestAppOptions } from './app.js';
import { startFakeTwilio } from './fake-twilio.js';
import { startSlack, startSmtp } from './fake-mail-chat.js';
import { PUBLIC_URL } from './phone.js';

/**
 * The service with its real Twilio, SMTP and Slack clients pointed at local servers, and a real
 * outbox worker (driven by the test rather than by the clock-time schedule).
 */
export async function pagingHarness(options: TestAppOptions = {}) {
  const twilio = await startFakeTwilio();
  const smtp = await startSmtp();
  const slack = await startSlack();
  let worker: OutboxWorker | undefined;
  const harness = await testApp({
    now: '2026-11-24T04:00:00Z', // Monday 22:00 in Chicago
    ...options,
    env: { ...twilio.env, ...smtp.env, ...slack.env, PUBLIC_URL, ...options.env },
    realChannels: true,
    outbox: { kick: () => worker?.kick(), health: () => worker!.health() },
  });
  const { organisation } = harness.config;
  // The stand-ins date what they take by the test's clock, as Twilio and Slack date it by theirs.
  twilio.now = () => harness.clock.now().getTime();
  slack.state.now = () => harness.clock.now().getTime();
  const startWorker = () => {
    worker = startOutboxWorker(
      {
        db: harness.db,
        channels: harness.channels,
        clock: harness.clock,
        log: harness.log,
        publicUrl: PUBLIC_URL,
        installId: 'test',
        pager: harness.services.pager,
        record: harness.services.recordDelivery,
        timeouts: channelTimeouts(harness.config.env),
        rules: organisation.paging,
      },
      { schedule: false },
    );
    return worker;
  };
  startWorker();
  afterAll(async () => {
    await worker?.stop();
    await Promise.all([twilio.close(), smtp.close(), slack.close()]);
  });
  return {
    ...harness,
    twilio,
    smtp,
    slack,
    /** Waits until the worker has delivered everything due now. */
    settle: async () => {
      worker!.kick();
      await worker!.idle();
    },
    stopWorker: async () => {
      await worker?.stop();
      worker = undefined;
    },
    startWorker,
    escalate: () => runDueEscalations(harness.services.tickets),
  };
}
