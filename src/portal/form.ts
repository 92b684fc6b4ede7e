import type { IncomingMessage } from 'node:http';
import busboy from 'busboy';
import type { Database } from '../db/index.js';
import { safeFileName, uploadFile } from '../files/index.js';
import { withoutNul } from '../http/input.js';
import { MAX_ATTACHMENT_BYTES, MAX_ATTACHMENTS, MAX_KEPT_BYTES, type NewAttachment } from '../tickets/index.js';

/**
 * A portal form with files (multipart/form-data), read as it arrives: each file is written to the database a
 * chunk at a time (src/files), so an upload holds about one chunk of memory whatever its size. Within the
 * tickets' limits and the room the client's storage has left; past them the files written are removed and
 * the rest of the form is still read, so its fields (and its token) can be answered.
 */
const FIELDS_ROOM = 256 * 1024;
const MAX_BODY_BYTES = MAX_KEPT_BYTES + FIELDS_ROOM;

/** Why a form could not be read at all (nothing of it is known). */
export type BodyProblem = { kind: 'unreadable' } | { kind: 'busy' } | { kind: 'too_large' };
/** Why its files were refused (its fields were read). */
export type FileProblem =
  | { kind: 'file_too_large'; name: string }
  | { kind: 'files_too_large' }
  | { kind: 'too_many_files' }
  | { kind: 'no_room' };
export type FormProblem = BodyProblem | FileProblem;

export type ReadForm =
  | { ok: true; fields: Record<string, string>; files: NewAttachment[]; problem?: FileProblem }
  | { ok: false; problem: BodyProblem };

export const isMultipart = (req: IncomingMessage) => /^multipart\/form-data/i.test(req.headers['content-type'] ?? '');

/**
 * Forms with files being read, stored and kept at once: in all, and for one client. Each holds about a
 * chunk of memory, but also a share of the database's writing, which the phone and the pager need.
 */
const UPLOADS_AT_ONCE = 4;
const UPLOADS_PER_CLIENT = 2;
let uploading = 0;
const uploadingFor = new Map<number, number>();

/** A place in the upload guard, and how to give it back (once); none when the guard is full. */
export function enterUpload(clientId: number): (() => void) | undefined {
  const mine = uploadingFor.get(clientId) ?? 0;
  if (uploading >= UPLOADS_AT_ONCE || mine >= UPLOADS_PER_CLIENT) return undefined;
  uploading++;
  uploadingFor.set(clientId, mine + 1);
  let left = false;
  return () => {
    if (left) return;
    left = true;
    uploading--;
    const n = (uploadingFor.get(clientId) ?? 1) - 1;
    if (n > 0) uploadingFor.set(clientId, n);
    else uploadingFor.delete(clientId);
  };
}

/** The type the browser gave, as sent when it looks like a media type. */
const typeOf = (type: string) =>
  /^[\w.+-]{1,60}\/[\w.+-]{1,60}(;.{0,100})?$/.test(type) ? type : 'application/octet-stream';

export interface UploadTarget {
  db: Database;
  clientId: number;
  at: Date;
  /** Bytes the client's storage has left. */
  roomBytes: number;
  /** Called with each file written, so that whoever answers can remove those nothing came to hold. */
  written(fileId: number): void;
}

/** Reads a multipart form: its text fields (the first of each name) and its files (in `attachments`). */
export function readMultipart(req: IncomingMessage, target: UploadTarget): Promise<ReadForm> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > MAX_BODY_BYTES)
    return Promise.resolve({ ok: false, problem: { kind: 'too_large' } });
  let parser: busboy.Busboy;
  try {
    parser = busboy({
      headers: req.headers,
      // Browsers send file names as UTF-8 (busboy's default reads them as Latin-1).
      defParamCharset: 'utf8',
      limits: {
        // One byte past the limit is enough to know a file is over it; busboy drops the rest.
        fileSize: MAX_ATTACHMENT_BYTES + 1,
        files: MAX_ATTACHMENTS + 1,
        fields: 50,
        fieldSize: FIELDS_ROOM,
        parts: MAX_ATTACHMENTS + 51,
      },
    });
  } catch {
    return Promise.resolve({ ok: false, problem: { kind: 'unreadable' } });
  }
  const fields: Record<string, string> = {};
  const files: NewAttachment[] = [];
  let problem: FileProblem | undefined;
  let total = 0;
  let seen = 0;
  let storing: Promise<void> = Promise.resolve();

  return new Promise<ReadForm>((resolve) => {
    let settled = false;
    const finish = (result: ReadForm) => {
      if (settled) return;
      settled = true;
      req.unpipe(parser);
      resolve(result);
    };
    const fail = (kind: BodyProblem['kind']) => {
      if (settled) return;
      // Whatever was written is removed by the caller (it was told of each file); the rest is not read,
      // and a file being written ends there (its stream fails, so what it wrote is removed).
      finish({ ok: false, problem: { kind } });
      parser.destroy(new Error(`form ${kind}`));
    };

    req.on('data', (chunk: Buffer) => {
      seen += chunk.length;
      if (seen > MAX_BODY_BYTES) fail('too_large');
    });
    req.once('aborted', () => fail('unreadable'));

    parser.on('field', (name, value) => {
      fields[name] ??= value;
    });
    parser.on('file', (name, stream, info) => {
      const filename = safeFileName(info.filename ?? '');
      // A file input left empty still sends a part: no name, nothing in it.
      if (name !== 'attachments' || problem || !info.filename) {
        stream.resume();
        return;
      }
      if (files.length >= MAX_ATTACHMENTS) {
        problem = { kind: 'too_many_files' };
        stream.resume();
        return;
      }
      // Parts come one after another: busboy reads the next only once this one's stream is drained.
      storing = storing.then(async () => {
        const upload = await uploadFile(target.db, stream, {
          clientId: target.clientId,
          at: target.at,
          maxBytes: Math.min(MAX_ATTACHMENT_BYTES, MAX_KEPT_BYTES - total),
          roomBytes: target.roomBytes - total,
        });
        if (upload.ok) {
          target.written(upload.fileId);
          total += upload.size;
          files.push({ filename, contentType: typeOf(info.mimeType), size: upload.size, fileId: upload.fileId });
        } else
          problem ??=
            upload.reason === 'no_room'
              ? { kind: 'no_room' }
              : upload.size > MAX_ATTACHMENT_BYTES
                ? { kind: 'file_too_large', name: filename }
                : { kind: 'files_too_large' };
      });
      storing.catch(() => stream.resume());
    });
    parser.once('filesLimit', () => (problem ??= { kind: 'too_many_files' }));
    parser.once('error', () => fail('unreadable'));
    parser.once('close', () => {
      storing.then(
        () => finish({ ok: true, fields: withoutNul(fields), files: problem ? [] : files, problem }),
        () => finish({ ok: false, problem: { kind: 'unreadable' } }),
      );
    });
    req.pipe(parser);
  });
}
