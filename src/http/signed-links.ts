import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Links people open without an account (hear a voicemail, acknowledge a page): the id, purpose and
 * expiry are signed with the service's secret, so a link cannot be guessed, altered or reused late.
 */
export function signLink(secret: string, purpose: string, id: number | string, expiresAt: Date): string {
  const body = `${id}.${Math.floor(expiresAt.getTime() / 1000)}`;
  return `${body}.${mac(secret, purpose, body)}`;
}

export type LinkCheck = { ok: true; id: string } | { ok: false; reason: 'malformed' | 'altered' | 'expired' };

export function verifyLink(secret: string, purpose: string, token: string, now: Date): LinkCheck {
  const m = /^([A-Za-z0-9_-]{1,64})\.(\d{1,12})\.([A-Za-z0-9_-]{43})$/.exec(token);
  if (!m) return { ok: false, reason: 'malformed' };
  const [, id, expiry, given] = m;
  const expected = Buffer.from(mac(secret, purpose, `${id}.${expiry}`));
  if (!timingSafeEqual(expected, Buffer.from(given!))) return { ok: false, reason: 'altered' };
  if (Number(expiry) * 1000 < now.getTime()) return { ok: false, reason: 'expired' };
  return { ok: true, id: id! };
}

function mac(secret: string, purpose: string, body: string): string {
  return createHmac('sha256', secret).update(`${purpose}:${body}`).digest('base64url');
}
