import { createHash } from 'node:crypto';
import { Transform, type Readable, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Joiner, Splitter } from '@zone-eu/mailsplit';
import { htmlToText } from 'html-to-text';
import { MailParser, type AddressObject, type AttachmentStream, type MessageText } from 'mailparser';
import { SUBJECT_CHARS, TEXT_BYTES, TEXT_LINES } from './limits.js';

/**
 * Reading a message within a fixed memory budget. mailparser keeps a message's text parts whole in
 * memory (and a 20 MB log pasted into a message once took the whole heap with it), so the raw message
 * passes a limiter first: the text parts keep their first TEXT_BYTES and TEXT_LINES and the rest is
 * counted, not held. Attachments are streamed: the first `maxAttachmentBytes` of each is kept, the rest
 * is counted. Whatever the message's size, what is held stays within these bounds.
 */
/** A header block (of the message or of one part) larger than this makes the message unreadable; so do more parts. */
const HEAD_BYTES = 512 * 1024;
const ALL_HEADS_BYTES = 2 * 1024 * 1024;
const MAX_PARTS = 500;

/** Header values kept longer than this are cut (a 216 KB subject was seen). */
const HEADER_VALUE_CHARS = 4_000;
const TEXT_TYPES = ['text/plain', 'text/html', 'message/delivery-status'];

/** The headers the intake's rules read (automatic mail, loops, authentication, threading), top first. */
const KEPT_HEADERS = [
  'auto-submitted',
  'precedence',
  'list-id',
  'return-path',
  'x-autoreply',
  'x-autorespond',
  'x-auto-response-suppress',
  'x-loop',
  'x-failed-recipients',
  'authentication-results',
  'delivered-to',
  'content-type',
] as const;
export type KeptHeader = (typeof KEPT_HEADERS)[number];

export interface ParsedAttachment {
  filename: string;
  contentType: string;
  /** Its size in bytes, decoded (counted in full even when the content was not kept). */
  size: number;
  /** The content, when within `maxAttachmentBytes`. */
  content?: Buffer;
  /** Shown inside the text (an inline image) rather than attached. */
  inline: boolean;
}

/** A message as the intake reads it: plain data, no parser objects (it crosses from the parsing thread). */
export interface ParsedMessage {
  /** Without angle brackets. */
  messageId?: string;
  inReplyTo?: string;
  references: string[];
  from?: { address: string; name?: string };
  /** To, Cc and Bcc addresses, lower-cased. */
  recipients: string[];
  subject: string;
  headers: Partial<Record<KeptHeader, string[]>>;
  /** The text: the plain part, or the HTML's text where there is none. */
  text: string;
  /** Text past the budget: how much of the text parts was kept, of how much (raw bytes). */
  cut?: { keptBytes: number; totalBytes: number };
  attachments: ParsedAttachment[];
  /** Recipients a delivery report says were not reached (Final-Recipient). */
  reportRecipients: string[];
  /** SHA-256 of everything below the message's own header block: the same message delivered twice digests alike. */
  bodyDigest: string;
}

const stripNul = (s: string) => (s.includes('\0') ? s.replaceAll('\0', '') : s);
const stripBrackets = (id: string) => id.trim().replace(/^<|>$/g, '');
const unfold = (v: string) => v.replace(/\r?\n[ \t]+/g, ' ').trim();

interface NodeChunk {
  type: 'node';
  root: boolean;
  multipart: string | false;
  contentType: string | false;
  disposition: string | false;
  getHeaders(): Buffer;
}
interface BodyChunk {
  type: 'body' | 'data';
  value: Buffer;
  node?: NodeChunk;
}

/**
 * Between mailsplit's splitter and joiner: cuts the text parts at the budget, and digests what lies
 * below the message's header block.
 */
class TextBudget extends Transform {
  keptBytes = 0;
  totalBytes = 0;
  private lines = 0;
  private parts = 0;
  private headBytes = 0;
  private readonly digest = createHash('sha256');

  constructor() {
    super({ objectMode: true });
  }

  bodyDigest(): string {
    return this.digest.digest('hex');
  }

  override _transform(chunk: NodeChunk | BodyChunk, _enc: BufferEncoding, done: TransformCallback): void {
    if (chunk.type === 'node') {
      if (++this.parts > MAX_PARTS) return done(new Error(`the message has more than ${MAX_PARTS} parts`));
      const head = chunk.getHeaders();
      if ((this.headBytes += head.length) > ALL_HEADS_BYTES)
        return done(new Error('the headers of its parts are over 2 MB together'));
      if (!chunk.root) this.digest.update(head);
      return done(null, chunk);
    }
    this.digest.update(chunk.value);
    const node = chunk.node;
    if (chunk.type !== 'body' || !node || !isHeldText(node)) return done(null, chunk);
    this.totalBytes += chunk.value.length;
    const room = TEXT_BYTES - this.keptBytes;
    if (room <= 0 || this.lines >= TEXT_LINES) return done();
    // Whole lines only, so an encoded line is never cut in two.
    let end = Math.min(chunk.value.length, room);
    let lines = 0;
    for (let i = 0; i < end; i++)
      if (chunk.value[i] === 0x0a && ++lines + this.lines >= TEXT_LINES) {
        end = i + 1;
        break;
      }
    if (end < chunk.value.length) {
      const lastBreak = chunk.value.lastIndexOf(0x0a, end - 1);
      end = lastBreak >= 0 ? lastBreak + 1 : end;
    }
    this.lines += lines;
    this.keptBytes += end;
    done(null, end === chunk.value.length ? chunk : { ...chunk, value: chunk.value.subarray(0, end) });
  }
}

/** The parts mailparser holds in memory as text (its own rule: a text type, not an attachment). */
function isHeldText(node: NodeChunk): boolean {
  if (node.multipart) return false;
  const type = node.contentType || (node.root ? 'text/plain' : '');
  return TEXT_TYPES.includes(type) && (!node.disposition || node.disposition === 'inline');
}

function addressesOf(...headers: (AddressObject | AddressObject[] | undefined)[]) {
  const out: { address: string; name?: string }[] = [];
  for (const header of headers)
    for (const group of Array.isArray(header) ? header : header ? [header] : [])
      for (const a of group.value)
        if (a.address) out.push({ address: stripNul(a.address.toLowerCase()), name: stripNul(a.name) || undefined });
  return out;
}

/** What of a message's files is kept (the tickets' limits, src/tickets/limits.ts): each, and all together. */
export interface AttachmentLimits {
  attachment: number;
  kept: number;
}

/**
 * Reads an attachment's stream, keeping it when it is within `limits.attachment` and the message's kept
 * attachments stay within `limits.kept`; the rest is counted, not held. The content gets a buffer of its own, so
 * that it can be handed to another thread without taking a shared pool with it.
 */
async function readAttachment(
  a: AttachmentStream,
  limits: AttachmentLimits,
  kept: { bytes: number },
): Promise<ParsedAttachment> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of a.content as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size <= limits.attachment && kept.bytes + size <= limits.kept) chunks.push(chunk);
    else chunks.length = 0;
  }
  a.release?.();
  const keep = size <= limits.attachment && kept.bytes + size <= limits.kept;
  if (keep) kept.bytes += size;
  const inline = a.contentDisposition === 'inline' || Boolean(a.related);
  const subtype = /^image\/([a-z0-9.+-]{1,20})$/i.exec(a.contentType ?? '')?.[1];
  return {
    filename: stripNul(a.filename ?? (inline && subtype ? `inline-image.${subtype}` : 'attachment')).slice(0, 200),
    contentType: a.contentType || 'application/octet-stream',
    size,
    content: keep ? ownBuffer(chunks, size) : undefined,
    inline,
  };
}

function ownBuffer(chunks: Buffer[], size: number): Buffer {
  const out = Buffer.allocUnsafeSlow(size);
  let at = 0;
  for (const c of chunks) at += c.copy(out, at);
  return out;
}

/** The recipients a delivery report names as failed (RFC 3464 Final-Recipient). */
function reportRecipientsIn(text: string): string[] {
  return [...text.matchAll(/^Final-Recipient:\s*rfc822;\s*<?([^\s<>]+@[^\s<>]+)>?/gim)].map((m) => m[1]!.toLowerCase());
}

/** Parses a raw message from a stream, within the budget above; throws when it cannot be read at all. */
export async function parseMessage(raw: Readable, limits: AttachmentLimits): Promise<ParsedMessage> {
  const budget = new TextBudget();
  const parser = new MailParser({
    skipTextToHtml: true,
    skipTextLinks: true,
    skipImageLinks: true,
    maxHtmlLengthToParse: TEXT_BYTES * 2,
    checksumAlgo: false,
  });
  let headerLines: { key: string; line: string }[] = [];
  parser.on('headerLines', (lines: { key: string; line: string }[]) => (headerLines = lines));
  const attachments: Promise<ParsedAttachment>[] = [];
  const kept = { bytes: 0 };
  let text: MessageText | undefined;
  parser.on('data', (data: AttachmentStream | MessageText) => {
    if (data.type === 'attachment') attachments.push(readAttachment(data, limits, kept));
    else text = data;
  });
  await pipeline(raw, new Splitter({ maxHeadSize: HEAD_BYTES }), budget, new Joiner(), parser);
  const files = await Promise.all(attachments);

  const headers: ParsedMessage['headers'] = {};
  for (const { key, line } of headerLines)
    if ((KEPT_HEADERS as readonly string[]).includes(key))
      (headers[key as KeptHeader] ??= []).push(
        stripNul(unfold(line.slice(line.indexOf(':') + 1))).slice(0, HEADER_VALUE_CHARS),
      );
  const plain = text?.text ? String(text.text) : '';
  const html = text?.html ? String(text.html) : '';
  // HTML's text whenever there is no plain part, however deep the HTML sits (multipart/related, mixed).
  const body = plain.trim() ? plain : html ? htmlToText(html, { wordwrap: false, selectors: IMAGES_AS_NAMES }) : '';
  const references = [parser.references ?? []]
    .flat()
    .flatMap((r) => String(r).split(/\s+/))
    .filter(Boolean)
    .map((r) => stripNul(stripBrackets(r)))
    .slice(-50);
  const [from] = addressesOf(parser.from);
  return {
    messageId: parser.messageId ? stripNul(stripBrackets(parser.messageId)).slice(0, 900) || undefined : undefined,
    inReplyTo: parser.inReplyTo ? stripNul(stripBrackets(parser.inReplyTo.split(/\s+/)[0]!)) || undefined : undefined,
    references,
    from,
    recipients: addressesOf(parser.to, parser.cc, parser.bcc).map((a) => a.address),
    subject: stripNul(unfold(parser.subject ?? '')).slice(0, SUBJECT_CHARS),
    headers,
    text: stripNul(body),
    cut:
      budget.totalBytes > budget.keptBytes ? { keptBytes: budget.keptBytes, totalBytes: budget.totalBytes } : undefined,
    attachments: files,
    reportRecipients: /multipart\/report/i.test(headers['content-type']?.[0] ?? '') ? reportRecipientsIn(plain) : [],
    bodyDigest: budget.bodyDigest(),
  };
}

/** Images in HTML become their alt text, not data: URLs. */
const IMAGES_AS_NAMES = [{ selector: 'img', format: 'skip' }];
