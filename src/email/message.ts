import { safeFileName } from '../files/index.js';
import { createHash } from 'node:crypto';
import type { IncomingEmail } from './tickets.js';
import { TEXT_BYTES } from './limits.js';
import type { ParsedMessage } from './parse.js';

/** Of a message's text, what a ticket keeps: the new part (quoted history trimmed), and the whole. */
const BODY_CHARS = 100_000;
const ORIGINAL_CHARS = 1_000_000;
const megabytes = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

/** The new part of a reply: quoted lines and the quoted history under "On … wrote:" left out. */
export function trimQuoted(text: string): string {
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  const kept: string[] = [];
  for (const line of lines) {
    if (
      /^(On .{3,200} wrote:|Il giorno .{3,200} ha scritto:|.{0,200}\d{1,2}:\d{2}.{0,200}(написал|пишет)\(?а?\)?:)\s*$/i.test(
        line.trim(),
      ) ||
      /^-{2,}\s*(Original Message|Messaggio originale|Исходное сообщение|Пересылаемое сообщение)\s*-{2,}$/i.test(
        line.trim(),
      ) ||
      (/^(From|Da|От):\s.+$/.test(line.trim()) && kept.length > 0 && kept.at(-1)!.trim() === '')
    )
      break;
    if (line.startsWith('>')) continue;
    kept.push(line);
  }
  const trimmed = kept.join('\n').trim();
  return trimmed || text.trim();
}

/**
 * The key a message is taken once by: its Message-ID together with its sender and a digest of its content
 * (devices such as UPS units and NAS boxes send every message as <1@localhost>), or without a Message-ID
 * the sender, subject and content. The same message delivered twice keys alike: the digest covers what is
 * below its header block, which no server on the way changes.
 */
export function keyOf(parsed: ParsedMessage): string {
  const digest = createHash('sha256')
    .update(`${parsed.from?.address ?? ''}\n${parsed.messageId ? '' : parsed.subject}\n${parsed.bodyDigest}`)
    .digest('hex');
  return parsed.messageId ? `mid:${parsed.messageId.slice(0, 800)}:${digest.slice(0, 20)}` : `sha256:${digest}`;
}

/** The message as the tickets keep it: text within bounds (and saying when some was not kept), attachments as bytes. */
export function incomingOf(parsed: ParsedMessage, key: string, to: string, receivedAt: Date): IncomingEmail {
  const cut = parsed.cut
    ? `\n\n[The rest of this message (${megabytes(parsed.cut.totalBytes - parsed.cut.keptBytes)}) was not kept: a ticket keeps the first ${megabytes(TEXT_BYTES)} of a message's text. The whole message is in the helpdesk mailbox.]`
    : '';
  const text = parsed.text.trim();
  return {
    key,
    messageId: parsed.messageId ?? key,
    inReplyTo: parsed.inReplyTo,
    references: parsed.references,
    from: parsed.from?.address ?? '',
    fromName: parsed.from?.name,
    to,
    subject: parsed.subject.trim(),
    body: trimQuoted(text).slice(0, BODY_CHARS) + cut,
    original: text.slice(0, ORIGINAL_CHARS) + cut,
    attachments: parsed.attachments.map((a) => ({
      filename: safeFileName(a.filename),
      contentType: a.contentType,
      size: a.size,
      bytes: a.content,
      notKept: a.content ? undefined : ('too_large' as const),
    })),
    receivedAt,
  };
}

/** A message's header block, unparsed, with a reader for one field (folded lines joined). */
function headerBlock(raw: Buffer): (name: string) => string | undefined {
  const head =
    raw
      .subarray(0, 64 * 1024)
      .toString('latin1')
      .split(/\r?\n\r?\n/)[0] ?? '';
  return (name) =>
    new RegExp(`^${name}:[ \\t]*(.*(?:\\r?\\n[ \\t].*)*)`, 'im')
      .exec(head)?.[1]
      ?.replace(/\r?\n[ \t]+/g, ' ')
      .replaceAll('\0', '')
      .trim();
}

/** The address in a From or To field: the last <...>, or else the first word with an @, lower-cased. */
const addressIn = (v?: string) =>
  v
    ? ([...v.matchAll(/<([^<>]+)>/g)].at(-1)?.[1] ?? /[^\s<>()",;]+@[^\s<>()",;]+/.exec(v)?.[0] ?? v)
        .trim()
        .toLowerCase()
        .slice(0, 300)
    : undefined;

/** The headers a message that could not be read still shows (from, to, subject), read leniently from its start. */
export function glance(head: Buffer): { from?: string; to?: string; subject?: string } {
  const field = headerBlock(head);
  return { from: addressIn(field('From')), to: addressIn(field('To')), subject: field('Subject')?.slice(0, 300) };
}

/**
 * What orders a message among others, read from its start without parsing it: its sender, its own
 * Message-ID, and the ids it answers (In-Reply-To, References). Messages that share a sender, or where
 * one answers the other, must be taken one after the other.
 */
export function threadOf(head: Buffer): { from?: string; messageId?: string; answers: string[] } {
  const field = headerBlock(head);
  const ids = (v?: string) => [...(v ?? '').matchAll(/<([^<>\s]+)>/g)].map((m) => m[1]!);
  return {
    from: addressIn(field('From')),
    messageId: ids(field('Message-ID'))[0],
    answers: [...ids(field('In-Reply-To')), ...ids(field('References'))],
  };
}
