import { afterAll, describe, expect, it } from 'vitest';
import { postTwilioWebhook, startService, stopServices } from '../support/service-process.js';
import { queryDatabase } from '../support/db.js';

afterAll(() => stopServices());

const CALL = { CallSid: 'CA000000000000000000000000000000aa', From: '+13125551201', To: '+15550100000' };
const WORDS = 'the server room is flooding and the core switch is under water';

describe('what the log keeps of an emergency (no credentials: the log-only channels)', async () => {
  it('never holds a link token, a transcription, a full phone number or an email address at info', async () => {
    const service = await startService(); // LOG_LEVEL info, as deployed
    await postTwilioWebhook(service, '/twilio/voice', CALL);
    await postTwilioWebhook(service, '/twilio/voice/menu?try=1', { ...CALL, Digits: '5' });
    await postTwilioWebhook(service, '/twilio/voice/emergency/code', { ...CALL, Digits: '' });
    const recording = {
      ...CALL,
      RecordingSid: 'RE000000000000000000000000000000aa',
      RecordingDuration: '25',
      Digits: '#',
    };
    expect((await postTwilioWebhook(service, '/twilio/voice/recorded?kind=emergency&try=1', recording)).status).toBe(
      200,
    );
    await postTwilioWebhook(service, '/twilio/voice/transcription', {
      ...recording,
      TranscriptionText: WORDS,
      TranscriptionStatus: 'completed',
    });
    // Someone opens the links of a page.
    const [page] = await queryDatabase<{ body: string }>(
      service.databaseUrl,
      `select body from outbox where channel = 'sms' and purpose = 'page' order by id limit 1`,
    );
    const body = page!.body;
    for (const link of body.match(/http:\/\/localhost:\d+\/\S+\?t=[\w.-]+/g)!)
      await fetch(link.replace(/^http:\/\/localhost:\d+/, service.url));
    await service.waitForLog(/SMS not sent \(log-only/);
    await new Promise((r) => setTimeout(r, 500)); // let the follow-ups (transcription pages) be logged too

    const logs = service.logs().join('\n');
    expect(logs).toContain('SMS not sent (log-only: Twilio is not configured)');
    expect(logs).toMatch(/"to":"\+1555\*\*\*\d{4}"/); // masked, yet tells numbers apart
    expect(logs).not.toMatch(/[?&]t=(?!\[redacted\])[\w.-]{10,}/);
    expect(logs).not.toContain('flooding');
    expect(logs).not.toMatch(/\+\d{10,}/);
    expect(logs).not.toMatch(/[a-z]+@example\.com/);
  });
});
