import type { RequestHandler } from 'express';
import { timingSafeEqual } from 'node:crypto';
// Only the SDK's webhook helpers; its main module would load the whole REST client as well.
import { getExpectedTwilioSignature } from 'twilio/lib/webhooks/webhooks.js';
import type { Logger } from 'pino';

/**
 * Every /twilio/* request must carry Twilio's signature of PUBLIC_URL + path + form parameters
 * (the URL Twilio called, whatever a TLS-terminating proxy did to it). Missing or wrong: 403.
 * Without TWILIO_AUTH_TOKEN there is nothing to check against (local trial): requests pass.
 */
export function requireTwilioSignature(authToken: string | undefined, publicUrl: string, log: Logger): RequestHandler {
  return (req, res, next) => {
    if (!authToken) return next();
    const signature = req.get('x-twilio-signature');
    const url = publicUrl + req.originalUrl;
    const params = (req.body && typeof req.body === 'object' ? req.body : {}) as Record<string, string>;
    if (!validTwilioSignature(authToken, url, params, signature)) {
      log.warn(
        { path: req.path, signed: Boolean(signature) },
        'refused a Twilio webhook with a missing or wrong signature',
      );
      res.status(403).type('text/plain').send('Forbidden: missing or invalid X-Twilio-Signature');
      return;
    }
    next();
  };
}

/** One HMAC against the exact public URL; twilio.validateRequest would also try port and query variants. */
export function validTwilioSignature(
  authToken: string,
  url: string,
  params: Record<string, string>,
  signature: string | undefined,
): boolean {
  const expected = Buffer.from(getExpectedTwilioSignature(authToken, url, params));
  const given = Buffer.from(signature ?? '');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
