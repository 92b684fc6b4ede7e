import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import { sendProblem } from './json.js';

/** Constant-time comparison that does not leak the token's length either. */
export function sameSecret(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

/** `Authorization: Bearer $API_TOKEN` for /api/*; with no token configured every request is refused. */
export function requireApiToken(token: string | undefined): RequestHandler {
  return (req, res, next) => {
    if (!token) {
      sendProblem(res, {
        kind: 'unauthorized',
        code: 'api_disabled',
        message:
          'The API is disabled until API_TOKEN is set in the environment; then send Authorization: Bearer <token>.',
      });
      return;
    }
    const header = req.get('authorization') ?? '';
    const match = /^Bearer\s+(.+)$/i.exec(header.trim());
    if (!match || !sameSecret(match[1]!, token)) {
      sendProblem(res, {
        kind: 'unauthorized',
        code: 'unauthorized',
        message: 'Send Authorization: Bearer <API_TOKEN>.',
      });
      return;
    }
    next();
  };
}
