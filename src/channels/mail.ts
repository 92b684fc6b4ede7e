import { createRequire } from 'node:module';
import type Nodemailer from 'nodemailer';
import { DeliveryError, type Mail } from './types.js';

/** Outgoing mail over SMTP_URL; a 5xx SMTP answer is permanent, anything else is worth a retry. */
export function smtpMail(smtpUrl: string, from: string): Mail {
  // Loaded only when SMTP is configured.
  const nodemailer = createRequire(import.meta.url)('nodemailer') as typeof Nodemailer;
  // A pooled connection: pages to several people go over open connections instead of a new
  // SMTP handshake each (which dominated the time to page).
  const url = new URL(smtpUrl);
  if (!url.searchParams.has('pool')) url.searchParams.set('pool', 'true');
  const transport = nodemailer.createTransport(url.toString());
  return {
    live: true,
    async send(e) {
      try {
        const info = await transport.sendMail({ from, to: e.to, subject: e.subject, text: e.text, html: e.html, attachments: e.attachments });
        return { providerId: info.messageId };
      } catch (err) {
        const code = (err as { responseCode?: number }).responseCode;
        throw new DeliveryError(`SMTP: ${(err as Error).message}`, !(code && code >= 500), code);
      }
    },
  };
}
