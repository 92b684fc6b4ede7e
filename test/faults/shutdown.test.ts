import { afterAll, describe, expect, it, vi } from 'vitest';
import { startService, stopServices } from '../support/service-process.js';
import { ERIN, ORG_YAML, emergencyCall, startProviders, undelivered } from './support.js';

const providers = await startProviders();
const { twilio, slack } = providers;
afterAll(async () => {
  await stopServices();
  await providers.close();
});

describe('stopping (SIGTERM, as Fly does on a deploy) while a provider hangs', async () => {
  it('exits 0 within 10 s without waiting for the hung send, and the restarted service delivers it', async () => {
    slack.state.hang = true;
    const service = await startService({ env: { ...providers.env, SLACK_TIMEOUT: '5s' }, orgYaml: ORG_YAML });
    await emergencyCall(service, twilio, '+13125550901');
    await vi.waitFor(() => expect(twilio.messages.filter((m) => m.to === ERIN)).toHaveLength(1));
    await vi.waitFor(() => expect(slack.attempts.some((a) => a.method === 'chat.postMessage')).toBe(true));

    const asked = Date.now();
    const exit = await service.kill('SIGTERM');
    expect(exit).toEqual({ code: 0, signal: null });
    expect(Date.now() - asked).toBeLessThan(10_000);
    expect(
      service.logs().some((l) => l.includes('sends still unanswered; they will be settled after the restart')),
    ).toBe(true);
    expect(service.logs().some((l) => l.includes('"msg":"stopped"'))).toBe(true);

    slack.state.hang = false;
    await service.restart({ SLACK_TIMEOUT: '1s' });
    await vi.waitFor(async () => expect(await undelivered(service.databaseUrl)).toBe(0), {
      timeout: 60_000,
      interval: 250,
    });
    expect(slack.posts.C0EMERGENCY).toHaveLength(1);
    expect(twilio.messages.filter((m) => m.to === ERIN)).toHaveLength(1);
  }, 90_000);
});
