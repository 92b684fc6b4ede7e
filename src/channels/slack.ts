import { createRequire } from 'node:module';
import type { WebClient as WebClientType } from '@slack/web-api';
import { DeliveryError, type Chat } from './types.js';

const PERMANENT = new Set(['channel_not_found', 'not_in_channel', 'invalid_auth', 'account_inactive', 'token_revoked', 'is_archived', 'invalid_blocks']);

function classify(err: unknown): DeliveryError {
  const slackError = (err as { data?: { error?: string } }).data?.error;
  return new DeliveryError(`Slack: ${slackError ?? (err as Error).message}`, !(slackError && PERMANENT.has(slackError)), slackError);
}

/** Posts to the organisation's channel. Retries are the outbox's job, so the client's own are off. */
export function slackChat(token: string, channel: string, apiUrl?: string): Chat {
  // Loaded only when Slack is configured, so a service without it does not carry the SDK.
  const { WebClient } = createRequire(import.meta.url)('@slack/web-api') as { WebClient: typeof WebClientType };
  const client = new WebClient(token, { ...(apiUrl ? { slackApiUrl: apiUrl } : {}), retryConfig: { retries: 0 } });
  return {
    live: true,
    async post(p) {
      try {
        const res = await client.chat.postMessage({ channel, text: p.text, ...(p.blocks ? { blocks: p.blocks as never } : {}) });
        return { providerId: String(res.ts) };
      } catch (err) {
        throw classify(err);
      }
    },
    async update(ts, p) {
      try {
        await client.chat.update({ channel, ts, text: p.text, ...(p.blocks ? { blocks: p.blocks as never } : {}) });
      } catch (err) {
        throw classify(err);
      }
    },
  };
}
