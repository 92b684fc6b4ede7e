import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Response } from 'express';

/**
 * Sends a file as a download, streamed as the receiver takes it: never shown inline and sandboxed, so that
 * nothing in it (HTML, SVG) runs in this origin. A receiver that goes away ends the read; a read that
 * fails part-way cuts the connection, so a partial file is never taken for a whole one.
 */
export async function sendDownload(
  res: Response,
  file: { filename: string; size: number },
  bytes: Readable,
): Promise<void> {
  res.attachment(file.filename);
  res.setHeader('Content-Type', 'application/octet-stream');
  res.setHeader('Content-Length', String(file.size));
  res.setHeader('Content-Security-Policy', "sandbox; default-src 'none'");
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Cache-Control', 'private, no-store');
  try {
    await pipeline(bytes, res);
  } catch {
    // The receiver left, or the database failed mid-file: the connection is already ended either way.
    res.destroy();
  }
}
