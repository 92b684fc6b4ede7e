import { postTwilioWebhook, type ServiceProcess } from '../support/service-process.js';
import { startFakeTwilio, type FakeTwilio } from '../support/fake-twilio.js';
import { startSlack, startSmtp } from '../support/fake-mail-chat.js';
import { queryDatabase } from '../support/db.js';

/** One engineer on call and one architect: every emergency pages these two, by SMS and email, and Slack once. */
export const ORG_YAML = `
organization: { name: Fault Helpdesk, timezone: America/Chicago, helpdesk_number: "+12817684800" }
business_hours: { monday: ["09:00-17:00"] }
staff:
  - { id: erin, name: Erin Engineer, role: engineer, phone: "+15550200001", email: erin@example.com }
  - { id: alan, name: Alan Architect, role: architect, phone: "+15550200002", email: alan@example.com }
on_call: { rotation: [erin], shift: weekly, handoff: "monday 09:00" }
escalation: { ack_timeout: 1h }
paging: { bundling: false }
`;
export const ERIN = '+15550200001';
export const ALAN = '+15550200002';

let serial = 0;

/**
 * An emergency voicemail played into a running service as Twilio would: the call, key 5, no support
 * code, then the recording (which Twilio holds whatever becomes of the webhook). Resolves with the
 * recording webhook's answer.
 */
export async function emergencyCall(
  service: ServiceProcess,
  twilio: FakeTwilio,
  from: string,
): Promise<{ status: number; text: string; recordingSid: string }> {
  const n = ++serial;
  const call = {
    CallSid: `CA${String(n).padStart(4, '0')}${from.replace(/\D/g, '').padStart(28, '0')}`,
    From: from,
    To: '+12817684800',
  };
  const recordingSid = `RE${call.CallSid.slice(2)}`;
  await postTwilioWebhook(service, '/twilio/voice', call);
  await postTwilioWebhook(service, '/twilio/voice/menu?try=1', { ...call, Digits: '5' });
  await postTwilioWebhook(service, '/twilio/voice/emergency/code', { ...call, Digits: '' });
  twilio.recordings.push({ sid: recordingSid, callSid: call.CallSid, duration: 20, createdAt: new Date(), from });
  const answer = await postTwilioWebhook(service, '/twilio/voice/recorded?kind=emergency&try=1', {
    ...call,
    RecordingSid: recordingSid,
    RecordingDuration: '20',
    RecordingUrl: `https://api.twilio.com/2010-04-01/Accounts/AC0/Recordings/${recordingSid}`,
    Digits: '#',
  });
  return { ...answer, recordingSid };
}

/** Messages not yet delivered (pending, being sent, or being settled), read from outside as an operator would. */
export async function undelivered(databaseUrl: string): Promise<number> {
  const [row] = await queryDatabase<{ n: number | string }>(
    databaseUrl,
    `select count(*) as n from outbox where status in ('pending', 'sending', 'unknown', 'settling')`,
  );
  return Number(row!.n);
}

/** Local stand-ins for Twilio, SMTP and Slack, with the environment that points the service at them. */
export async function startProviders() {
  const [twilio, smtp, slack] = await Promise.all([startFakeTwilio(), startSmtp(), startSlack()]);
  return {
    twilio,
    smtp,
    slack,
    env: { ...twilio.env, ...smtp.env, ...slack.env },
    close: () => Promise.all([twilio.close(), smtp.close(), slack.close()]),
  };
}
