import type { Logger } from 'pino';
import type { Env } from '../config/index.js';
import { logOnlyChannels } from './log-only.js';
import { smtpMail } from './mail.js';
import { slackChat } from './slack.js';
import { twilioChannels } from './twilio.js';
import type { Channel, Channels } from './types.js';

export * from './types.js';
export { logOnlyChannels } from './log-only.js';
export { escapeSlack } from './slack.js';
export { loopMarkOf } from './mail.js';

/** How long one request may take on each channel, from the environment. */
export const channelTimeouts = (env: Env): Record<Channel, number> => ({
  sms: env.TWILIO_TIMEOUT,
  voice: env.TWILIO_TIMEOUT,
  email: env.SMTP_TIMEOUT,
  slack: env.SLACK_TIMEOUT,
});

/** Real senders where credentials are set, log-only stand-ins elsewhere; says which at start-up. */
export function createChannels(env: Env, log: Logger): Channels {
  const logOnly = logOnlyChannels(log);
  const twilio =
    env.TWILIO_ACCOUNT_SID && env.TWILIO_AUTH_TOKEN && env.TWILIO_PHONE_NUMBER
      ? twilioChannels({
          accountSid: env.TWILIO_ACCOUNT_SID,
          authToken: env.TWILIO_AUTH_TOKEN,
          from: env.TWILIO_PHONE_NUMBER,
          messagingServiceSid: env.TWILIO_MESSAGING_SERVICE_SID,
          intelligenceServiceSid: env.TWILIO_INTELLIGENCE_SERVICE_SID,
          apiUrl: env.TWILIO_API_URL,
          timeoutMs: env.TWILIO_TIMEOUT,
        })
      : undefined;
  const channels: Channels = {
    sms: twilio?.sms ?? logOnly.sms,
    voice: twilio?.voice ?? logOnly.voice,
    mail: env.SMTP_URL
      ? smtpMail(env.SMTP_URL, env.MAIL_FROM ?? 'Switchboard <switchboard@localhost>', env.SMTP_TIMEOUT)
      : logOnly.mail,
    chat:
      env.SLACK_BOT_TOKEN && env.SLACK_CHANNEL
        ? slackChat(env.SLACK_BOT_TOKEN, env.SLACK_CHANNEL, env.SLACK_TIMEOUT, env.SLACK_API_URL)
        : logOnly.chat,
  };
  const off = [
    !twilio && 'Twilio (SMS and calls): set TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, TWILIO_PHONE_NUMBER',
    !env.SMTP_URL && 'email: set SMTP_URL and MAIL_FROM',
    !(env.SLACK_BOT_TOKEN && env.SLACK_CHANNEL) && 'Slack: set SLACK_BOT_TOKEN and SLACK_CHANNEL',
  ].filter(Boolean);
  if (twilio && env.TWILIO_MESSAGING_SERVICE_SID) {
    log.info(
      `SMS go out through Messaging Service ${env.TWILIO_MESSAGING_SERVICE_SID} (its sender pool); calls come from the helpdesk number`,
    );
  }
  for (const line of off) log.warn(`log-only channel: ${line}; messages are written to this log instead of sent`);
  if (!env.TWILIO_AUTH_TOKEN && env.ALLOW_UNSIGNED_WEBHOOKS === 'true') {
    log.error(
      `UNSIGNED WEBHOOKS: ALLOW_UNSIGNED_WEBHOOKS=true with PUBLIC_URL ${env.publicUrl}; anyone who can reach /twilio/* can fake an emergency or silence an escalation. Set TWILIO_AUTH_TOKEN.`,
    );
  } else if (!env.TWILIO_AUTH_TOKEN) {
    log.warn(
      'TWILIO_AUTH_TOKEN is unset: /twilio/* webhooks are accepted without signature checks (local demo only); set it before pointing a real number here',
    );
  }
  return channels;
}
