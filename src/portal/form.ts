import type { IncomingMessage } from 'node:http';
import { withoutNul } from '../http/input.js';
import { MAX_ATTACHMENT_BYTES, MAX_ATTACHMENTS, MAX_KEPT_BYTES, type NewAttachment } from '../tickets/index.js';

/**
 * A portal form with files (multipart/form-data), read within the tickets' limits: the body is taken up to
 * what the files may weigh together (plus room for the text fields) and no further, and at most two such
 * bodies are held at a time, so that uploads cannot take the service's memory.
 */
const FIELDS_ROOM = 256 * 1024;
const MAX_BODY_BYTES = MAX_KEPT_BYTES + FIELDS_ROOM;
const AT_ONCE = 2;
let reading = 0;

/** Why a form could not be read at all (nothing of it is known). */
export type BodyProblem = { kind: 'unreadable' } | { kind: 'busy' } | { kind: 'too_large' };
/** Why its files were refused (its fields were read). */
export type FileProblem =
  { kind: 'file_too_large'; name: string } | { kind: 'files_too_large' } | { kind: 'too_many_files' };
export type FormProblem = BodyProblem | FileProblem;

export type ReadForm =
  | { ok: true; fields: Record<string, string>; files: NewAttachment[]; problem?: FileProblem }
  | { ok: false; problem: BodyProblem };

export const isMultipart = (req: IncomingMessage) => /^multipart\/form-data/i.test(req.headers['content-type'] ?? '');

/** The body, up to `max` bytes; undefined past it (the rest is left unread). */
async function bodyOf(req: IncomingMessage, max: number): Promise<Buffer | undefined> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > max) return undefined;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > max) return undefined;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, size);
}

/** A file name as kept: no folders, no control characters, at most 200 characters. */
const fileName = (name: string) =>
  name
    .replace(/^.*[\\/]/, '')
    .replace(/[\u0000-\u001f\u007f]/g, '')
    .trim()
    .slice(0, 200) || 'attachment';
/** The type the browser gave, as sent when it looks like a media type. */
const typeOf = (type: string) =>
  /^[\w.+-]{1,60}\/[\w.+-]{1,60}(;.{0,100})?$/.test(type) ? type : 'application/octet-stream';

/** Reads a multipart form: its text fields (the first of each name) and its files (in `attachments`). */
export async function readMultipart(req: IncomingMessage): Promise<ReadForm> {
  const type = req.headers['content-type'] ?? '';
  if (!/boundary=/i.test(type)) return { ok: false, problem: { kind: 'unreadable' } };
  if (reading >= AT_ONCE) return { ok: false, problem: { kind: 'busy' } };
  reading++;
  let form: FormData;
  try {
    const body = await bodyOf(req, MAX_BODY_BYTES);
    if (!body) return { ok: false, problem: { kind: 'too_large' } };
    // The fetch API's own multipart reader (undici's), on the body already held.
    form = await new Response(body as Uint8Array<ArrayBuffer>, { headers: { 'content-type': type } }).formData();
  } catch {
    return { ok: false, problem: { kind: 'unreadable' } };
  } finally {
    reading--;
  }
  const fields: Record<string, string> = {};
  const files: NewAttachment[] = [];
  let problem: FileProblem | undefined;
  let total = 0;
  for (const [name, value] of form.entries()) {
    if (typeof value === 'string') {
      fields[name] ??= value;
      continue;
    }
    // A file input left empty still sends a part: no name, nothing in it.
    if (name !== 'attachments' || (!value.name && value.size === 0) || problem) continue;
    total += value.size;
    if (files.length >= MAX_ATTACHMENTS) problem = { kind: 'too_many_files' };
    else if (value.size > MAX_ATTACHMENT_BYTES) problem = { kind: 'file_too_large', name: fileName(value.name) };
    else if (total > MAX_KEPT_BYTES) problem = { kind: 'files_too_large' };
    if (problem) continue;
    files.push({
      filename: fileName(value.name),
      contentType: typeOf(value.type),
      size: value.size,
      content: Buffer.from(await value.arrayBuffer()).toString('base64'),
    });
  }
  return { ok: true, fields: withoutNul(fields), files: problem ? [] : files, problem };
}
