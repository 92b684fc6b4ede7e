import { createRequire } from 'node:module';
import type Nodemailer from 'nodemailer';
import { DeliveryError, type Mail } from './types.js';

/** The X-Loop value of the helpdesk's mail: the address it is sent from (MAIL_FROM's address part). */
export function loopMarkOf(from: string): string {
  return (/<([^<>]+)>/.exec(from)?.[1] ?? from).trim().toLowerCase();
}

/**
 * Outgoing mail over SMTP_URL. A 5xx answer is permanent and a 4xx is worth a retry; a connection
 * that fails or stalls is retried too, since SMTP offers no way to ask whether a message was taken
 * and a second copy of an email is acceptable where a lost page is not.
 */
export function smtpMail(smtpUrl: string, from: string, timeoutMs: number): Mail {
  // Loaded only when SMTP is configured.
  const nodemailer = createRequire(import.meta.url)('nodemailer') as typeof Nodemailer;
  // A pooled connection: pages to several people go over open connections instead of a new
  // SMTP handshake each (which dominated the time to page).
  const url = new URL(smtpUrl);
  if (!url.searchParams.has('pool')) url.searchParams.set('pool', 'true');
  // nodemailer closes a pooled connection after 100 messages by default, so every hundredth page paid a
  // new handshake; a connection is kept until the server or the socket timeout closes it.
  if (!url.searchParams.has('maxMessages')) url.searchParams.set('maxMessages', 'Infinity');
  for (const [name, ms] of [
    ['connectionTimeout', timeoutMs],
    ['greetingTimeout', timeoutMs],
    ['socketTimeout', timeoutMs],
  ] as const) {
    if (!url.searchParams.has(name)) url.searchParams.set(name, String(ms));
  }
  const transport = nodemailer.createTransport(url.toString());
  // Every message carries our loop mark; intake drops mail that comes back with it (src/email/automatic.ts).
  const loop = loopMarkOf(from);
  return {
    live: true,
    async send(e) {
      try {
        // nodemailer has no per-message time limit of its own; a stalled server is given up on here.
        const info = await transport.sendMail({
          from,
          to: e.to,
          subject: e.subject,
          text: e.text,
          html: e.html,
          attachments: e.attachments,
          ...(e.messageId ? { messageId: `<${e.messageId}>` } : {}),
          ...(e.inReplyTo ? { inReplyTo: `<${e.inReplyTo}>` } : {}),
          ...(e.references?.length ? { references: e.references.map((r) => `<${r}>`) } : {}),
          headers: {
            'X-Loop': loop,
            // Robots (out-of-office, vacation responders) must not answer a robot.
            ...(e.automatic ? { 'Auto-Submitted': e.automatic, 'X-Auto-Response-Suppress': 'All' } : {}),
          },
          signal: AbortSignal.timeout(timeoutMs),
        });
        return { providerId: info.messageId };
      } catch (err) {
        const code = (err as { responseCode?: number }).responseCode;
        throw new DeliveryError(`SMTP: ${(err as Error).message}`, code && code >= 500 ? 'permanent' : 'retry', code);
      }
    },
  };
}
