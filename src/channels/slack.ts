import { createRequire } from 'node:module';
import type { WebClient as WebClientType } from '@slack/web-api';
import { DeliveryError, type Chat } from './types.js';

const PERMANENT = new Set([
  'channel_not_found',
  'not_in_channel',
  'invalid_auth',
  'account_inactive',
  'token_revoked',
  'is_archived',
  'invalid_blocks',
  'missing_scope',
]);
/** The metadata type Switchboard's posts carry, so one whose outcome is unknown can be found again. */
const EVENT_TYPE = 'switchboard_message';

/** Slack answered with a reason (retry or permanent); no answer, or a gateway error, leaves the post unknown. */
function classify(err: unknown): DeliveryError {
  const e = err as { code?: string; data?: { error?: string }; statusCode?: number; message?: string };
  const slackError = e.data?.error;
  const message = `Slack: ${slackError ?? e.message ?? String(err)}`;
  if (e.code === 'slack_webapi_platform_error')
    return new DeliveryError(message, slackError && PERMANENT.has(slackError) ? 'permanent' : 'retry', slackError);
  if (e.code === 'slack_webapi_rate_limited_error' || e.statusCode === 429)
    return new DeliveryError(message, 'retry', 429);
  if (e.code === 'slack_webapi_http_error' && e.statusCode && e.statusCode < 500)
    return new DeliveryError(message, 'permanent', e.statusCode);
  return new DeliveryError(message, 'unknown', e.statusCode ?? e.code);
}

/** Slack's mrkdwn treats &, < and > as markup: text from callers and clients is escaped before it is posted. */
export const escapeSlack = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Posts to the organisation's channel. Retries are the outbox's job, so the client's own are off. */
export function slackChat(token: string, channel: string, timeoutMs: number, apiUrl?: string): Chat {
  // Loaded only when Slack is configured, so a service without it does not carry the SDK.
  const { WebClient } = createRequire(import.meta.url)('@slack/web-api') as { WebClient: typeof WebClientType };
  const client = new WebClient(token, {
    ...(apiUrl ? { slackApiUrl: apiUrl } : {}),
    retryConfig: { retries: 0 },
    timeout: timeoutMs,
  });
  return {
    live: true,
    async post(p) {
      try {
        const res = await client.chat.postMessage({
          channel: p.channel ?? channel,
          text: p.text,
          ...(p.blocks ? { blocks: p.blocks as never } : {}),
          ...(p.reference ? { metadata: { event_type: EVENT_TYPE, event_payload: { reference: p.reference } } } : {}),
        });
        return { providerId: String(res.ts) };
      } catch (err) {
        throw classify(err);
      }
    },
    async findPost(q) {
      try {
        const res = await client.conversations.history({
          channel: q.channel ?? channel,
          oldest: String(Math.floor(q.since.getTime() / 1000) - 60),
          include_all_metadata: true,
          limit: 200,
        });
        const found = (res.messages ?? []).find(
          (m) =>
            m.metadata?.event_type === EVENT_TYPE &&
            (m.metadata.event_payload as { reference?: unknown } | undefined)?.reference === q.reference,
        );
        return found?.ts ? { providerId: found.ts } : undefined;
      } catch (err) {
        throw classify(err);
      }
    },
  };
}
