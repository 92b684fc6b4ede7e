import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Request, RequestHandler } from 'express';
import type { Logger } from 'pino';
import type { Clock } from '../calendar/index.js';
import { formBody } from './input.js';

/** How old a signed Slack request may be (Slack's own advice: five minutes, against replays). */
const FRESH_SECONDS = 300;

/** Slack's signature over the raw body: v0= + hex(HMAC-SHA256(signing secret, "v0:" + timestamp + ":" + body)). */
export function validSlackSignature(
  secret: string | undefined,
  timestamp: number,
  rawBody: string,
  signature: string,
): boolean {
  if (!secret) return false;
  const expected = `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${rawBody}`).digest('hex')}`;
  return signature.length === expected.length && timingSafeEqual(Buffer.from(signature), Buffer.from(expected));
}

/**
 * The form body of a Slack request, accepted only with a valid X-Slack-Signature no older than five
 * minutes (401 otherwise). The signature covers the raw body, which is kept while the form is parsed.
 */
export function requireSlackSignature(secret: string | undefined, clock: Clock, log: Logger): RequestHandler[] {
  return [
    ...formBody({
      extended: false,
      limit: '64kb',
      verify: (req, _res, buf) => {
        (req as Request & { rawBody?: Buffer }).rawBody = buf;
      },
    }),
    (req, res, next) => {
      const raw = (req as Request & { rawBody?: Buffer }).rawBody?.toString('utf8') ?? '';
      const timestamp = Number(req.get('x-slack-request-timestamp'));
      const fresh = Number.isFinite(timestamp) && Math.abs(clock.now().getTime() / 1000 - timestamp) <= FRESH_SECONDS;
      if (fresh && validSlackSignature(secret, timestamp, raw, req.get('x-slack-signature') ?? '')) return next();
      log.warn({ fresh, configured: Boolean(secret) }, 'refused a Slack request with a wrong or stale signature');
      res.status(401).json({ error: { code: 'bad_signature', message: 'Missing, wrong or stale X-Slack-Signature' } });
    },
  ];
}
