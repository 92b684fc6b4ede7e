import type { ParsedMessage } from './parse.js';

/** What a message no person wrote is: our own mail come back, a delivery failure, or another robot's. */
export type Automatic =
  { kind: 'loop' } | { kind: 'bounce'; recipients: string[] } | { kind: 'automatic'; why: string };

const first = (m: ParsedMessage, name: keyof ParsedMessage['headers']) => (m.headers[name]?.[0] ?? '').trim();
const SYSTEM_SENDER = /^(mailer-daemon|postmaster|microsoftexchange[0-9a-f]*)@/i;
const NO_REPLY_SENDER = /^(auto-?reply|no-?reply|do-?not-?reply|bounces?)([+-][^@]*)?@/i;

/**
 * Mail that must never open a ticket nor be answered (RFC 3834): answering a robot can start a loop
 * between two robots. `ours` are the addresses our own mail carries in X-Loop (and is sent from).
 */
export function automaticKind(m: ParsedMessage, ours: string[]): Automatic | undefined {
  const loops = (m.headers['x-loop'] ?? []).map((v) => v.toLowerCase());
  if (loops.some((v) => ours.some((address) => v.includes(address)))) return { kind: 'loop' };

  const from = m.from?.address ?? '';
  const failed = (m.headers['x-failed-recipients'] ?? [])
    .flatMap((v) => v.split(','))
    .map((a) => a.trim().toLowerCase())
    .filter((a) => a.includes('@'));
  const report = /^multipart\/report/i.test(first(m, 'content-type'));
  if (report || failed.length || (SYSTEM_SENDER.test(from) && /undeliver|delivery|failure|returned/i.test(m.subject)))
    return { kind: 'bounce', recipients: [...new Set([...failed, ...m.reportRecipients])] };

  const autoSubmitted = first(m, 'auto-submitted').toLowerCase();
  if (autoSubmitted && autoSubmitted !== 'no') return { kind: 'automatic', why: `Auto-Submitted: ${autoSubmitted}` };
  const precedence = first(m, 'precedence');
  if (/^(bulk|list|junk|auto_reply)$/i.test(precedence)) return { kind: 'automatic', why: `Precedence: ${precedence}` };
  if (m.headers['x-autoreply'] || m.headers['x-autorespond']) return { kind: 'automatic', why: 'an autoresponder' };
  if (/\ball\b/i.test(first(m, 'x-auto-response-suppress')))
    return { kind: 'automatic', why: 'X-Auto-Response-Suppress: All' };
  if (m.headers['list-id']) return { kind: 'automatic', why: 'a mailing list' };
  if (m.headers['return-path'] && /^<?\s*>?$/.test(first(m, 'return-path')))
    return { kind: 'automatic', why: 'an empty Return-Path' };
  if (!from) return { kind: 'automatic', why: 'no sender' };
  if (SYSTEM_SENDER.test(from) || NO_REPLY_SENDER.test(from))
    return { kind: 'automatic', why: 'sent from a system address' };
  return undefined;
}
