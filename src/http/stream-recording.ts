import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream } from 'node:stream/web';
import type { Response } from 'express';
import type { Logger } from 'pino';
import type { Voice } from '../channels/index.js';

/** A voicemail is at most a few minutes of mp3: two minutes is ample to stream it, even on a poor line. */
const STREAM_LIMIT_MS = 120_000;

/**
 * Streams a recording from Twilio to a viewer. The download from Twilio is cancelled when the viewer
 * goes away, and a stream that breaks or stalls on either side ends this one response, never the service.
 */
export async function streamRecording(voice: Voice, recordingSid: string, res: Response, log: Logger): Promise<void> {
  const viewer = new AbortController();
  res.on('close', () => {
    if (!res.writableFinished) viewer.abort(new Error('the viewer went away'));
  });
  let audio: Awaited<ReturnType<Voice['recordingAudio']>> | undefined;
  try {
    audio = await voice.recordingAudio(recordingSid, viewer.signal);
  } catch (err) {
    if (!viewer.signal.aborted)
      log.warn({ recordingSid, err: (err as Error).message }, 'could not fetch a recording from Twilio');
  }
  if (viewer.signal.aborted) return;
  if (!audio || audio.status !== 200 || !audio.body) {
    res
      .status(502)
      .type('text/plain')
      .send('The recording could not be fetched from Twilio right now. Try again in a minute.');
    return;
  }
  res.status(200).type(audio.contentType).set('Cache-Control', 'private, no-store');
  try {
    await pipeline(Readable.fromWeb(audio.body as ReadableStream<Uint8Array>), res, {
      signal: AbortSignal.any([viewer.signal, AbortSignal.timeout(STREAM_LIMIT_MS)]),
    });
  } catch (err) {
    if (!viewer.signal.aborted)
      log.warn({ recordingSid, err: (err as Error).message }, 'a voicemail download broke off');
  }
}
