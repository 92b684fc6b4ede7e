import type { Logger } from 'pino';
import { maskPhone, maskPhonesIn } from '../logging.js';
import type { Channels } from './types.js';

let counter = 0;
const fakeId = (prefix: string) => `${prefix}-log-${Date.now().toString(36)}-${(++counter).toString(36)}`;

/** Stand-ins that write what would have been sent to the log, for a service with no credentials. */
export function logOnlyChannels(log: Logger): Channels {
  return {
    sms: {
      live: false,
      send: async (m) => {
        log.info({ channel: 'sms', to: maskPhone(m.to), body: maskPhonesIn(m.body) }, 'SMS not sent (log-only: Twilio is not configured)');
        return { providerId: fakeId('SM') };
      },
    },
    voice: {
      live: false,
      call: async (c) => {
        log.info({ channel: 'voice', to: maskPhone(c.to), url: c.url }, 'call not placed (log-only: Twilio is not configured)');
        return { providerId: fakeId('CA') };
      },
      recordingsSince: async () => [],
      callerOf: async () => undefined,
      recordingAudio: async () => ({ contentType: 'text/plain', body: null, status: 404 }),
    },
    mail: {
      live: false,
      send: async (e) => {
        log.info({ channel: 'email', to: e.to, subject: maskPhonesIn(e.subject), text: maskPhonesIn(e.text) }, 'email not sent (log-only: SMTP is not configured)');
        return { providerId: fakeId('mail') };
      },
    },
    chat: {
      live: false,
      post: async (p) => {
        log.info({ channel: 'slack', text: maskPhonesIn(p.text) }, 'Slack message not posted (log-only: Slack is not configured)');
        return { providerId: fakeId('ts') };
      },
      update: async (ts, p) => {
        log.info({ channel: 'slack', ts, text: maskPhonesIn(p.text) }, 'Slack message not updated (log-only)');
      },
    },
  };
}
