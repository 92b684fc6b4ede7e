import type { Logger } from 'pino';
import { maskEmail, maskPhone, scrubForLog } from '../logging.js';
import type { Channels } from './types.js';

let counter = 0;
const fakeId = (prefix: string) => `${prefix}-log-${Date.now().toString(36)}-${(++counter).toString(36)}`;

/**
 * Stand-ins for a service with no credentials: each message is logged instead of sent. At info only
 * what was sent and to whom (masked); the text itself, with its links' tokens taken out, at debug,
 * because a message can carry a caller's words and a link that works for a day.
 */
export function logOnlyChannels(log: Logger): Channels {
  const text = (body: string) =>
    log.isLevelEnabled('debug') ? { text: scrubForLog(body) } : { characters: body.length };
  return {
    sms: {
      live: false,
      send: async (m) => {
        log.info(
          { channel: 'sms', to: maskPhone(m.to), ...text(m.body) },
          'SMS not sent (log-only: Twilio is not configured)',
        );
        return { providerId: fakeId('SM') };
      },
      findSent: async () => [],
    },
    voice: {
      live: false,
      call: async (c) => {
        log.info({ channel: 'voice', to: maskPhone(c.to) }, 'call not placed (log-only: Twilio is not configured)');
        return { providerId: fakeId('CA') };
      },
      findCalls: async () => [],
      recordingsSince: async () => [],
      callerOf: async () => undefined,
      recordingAudio: async () => ({ contentType: 'text/plain', body: null, status: 404 }),
    },
    mail: {
      live: false,
      send: async (e) => {
        log.info(
          { channel: 'email', to: maskEmail(e.to), subject: scrubForLog(e.subject), ...text(e.text) },
          'email not sent (log-only: SMTP is not configured)',
        );
        return { providerId: fakeId('mail') };
      },
    },
    chat: {
      live: false,
      post: async (p) => {
        log.info({ channel: 'slack', ...text(p.text) }, 'Slack message not posted (log-only: Slack is not configured)');
        return { providerId: fakeId('ts') };
      },
      findPost: async () => undefined,
    },
  };
}
