import type { IncomingMessage, ServerResponse } from 'node:http';
import express, { Router, type Request } from 'express';
import { requireTwilioSignature, validTwilioSignature } from '../http/twilio-signature.js';
import { askForRecording, attempt, type CallStep, type IvrDeps } from './context.js';
import { MUST_COMMIT, STAFF_STEPS, STEPS, TEXT_STEPS, type Step } from './steps.js';
import { textNotActedOn } from './texts.js';
import { sayAndHangUp } from './twiml.js';

/** Strips control characters and bounds the length of anything Twilio (or anyone) sends. */
function clean(value: unknown, max = 512): string | undefined {
  if (typeof value !== 'string') return undefined;
  const text = value.replace(/[\u0000-\u001f\u007f]/g, '').trim();
  return text ? text.slice(0, max) : undefined;
}

export function callStep(req: Request): CallStep {
  return callStepOf(req.body, req.query);
}

export function callStepOf(rawBody: unknown, rawQuery: Record<string, unknown>): CallStep {
  const body = (rawBody && typeof rawBody === 'object' ? rawBody : {}) as Record<string, unknown>;
  const form: Record<string, string> = {};
  for (const [k, v] of Object.entries(body)) {
    const c = clean(Array.isArray(v) ? v[0] : v, k === 'TranscriptionText' ? 10_000 : 512);
    if (c !== undefined && /^[A-Za-z][A-Za-z_]{0,39}$/.test(k)) form[k] = c;
  }
  const query: Record<string, string> = {};
  for (const [k, v] of Object.entries(rawQuery)) {
    const c = clean(v, 64);
    if (c !== undefined) query[k] = c;
  }
  const rawDigits = form.Digits ?? '';
  return {
    callSid: form.CallSid && /^[A-Za-z0-9]{2,64}$/.test(form.CallSid) ? form.CallSid : undefined,
    from: form.From,
    to: form.To,
    digits: rawDigits === 'hangup' ? 'hangup' : rawDigits.replace(/[^0-9*#]/g, '').slice(0, 32),
    query,
    form,
  };
}

/**
 * What the phone hears when a step fails. Staff on a call Switchboard placed are told the service has a
 * fault, and the call ends (a customer's voicemail prompt means nothing to them). A caller's recording
 * that could not be saved is asked for once more (it also stays at Twilio, where reconciliation finds
 * it); any other caller still leaves a message, as an emergency to be safe, and a second failure on that
 * path says goodbye rather than asking again. A text gets an apology.
 */
function afterFailure(deps: IvrDeps, name: string, input: CallStep): string {
  const s = deps.speech;
  if (TEXT_STEPS.has(name)) return textNotActedOn(deps, input);
  if (STAFF_STEPS.has(name)) return sayAndHangUp(s, [s.say('staff_fault')]);
  if (name === '/voice/recorded') {
    deps.onUnsavedRecording?.(input.form.RecordingSid);
    if (attempt(input) < 2 && input.form.Digits !== 'hangup')
      return askForRecording(deps, 'emergency', 2, [], undefined, { prompt: s.say('record_not_saved') });
    return sayAndHangUp(s, [s.say('recording_kept')]);
  }
  if (input.query.fault) return sayAndHangUp(s, [s.say('fault_goodbye')]);
  return askForRecording(deps, 'emergency', 2, [], undefined, { prompt: s.say('fault_record') });
}

/** The answer to a webhook whose work could not be committed: Twilio tries again, or falls back. */
const NOT_SAVED = 'Switchboard could not save this; try again';

/**
 * Twilio waits 15 s for a webhook's answer, then plays an error or the fallback document: a step not
 * done by then is answered as one that failed, so Twilio retries or falls back at once. Its database
 * work gives up before this by itself (a lock waited for 2 s at most on PostgreSQL, busy retries for
 * 4 s); this bounds a server that answers nothing at all (paused, or the network path gone).
 */
export const WEBHOOK_DEADLINE_MS = 5_000;
const LATE = Symbol('late');

/**
 * Runs a step (each of its transactions retried while another writer holds the database) and answers
 * within WEBHOOK_DEADLINE_MS; a failure never answers as a success.
 */
async function runStep(
  deps: IvrDeps,
  name: string,
  step: Step,
  input: CallStep,
): Promise<{ status: number; body: string }> {
  const context = { step: name, callSid: input.callSid, recordingSid: input.form.RecordingSid };
  const failed = () =>
    MUST_COMMIT.has(name) ? { status: 503, body: NOT_SAVED } : { status: 200, body: afterFailure(deps, name, input) };
  let timer: NodeJS.Timeout | undefined;
  const work = (async () => step(deps, input))();
  try {
    const body = await Promise.race([
      work,
      new Promise<typeof LATE>((resolve) => (timer = setTimeout(() => resolve(LATE), WEBHOOK_DEADLINE_MS))),
    ]);
    if (body !== LATE) return { status: 200, body };
    deps.log.error(context, `Twilio step not done within ${WEBHOOK_DEADLINE_MS} ms; answered as not done`);
    // Each step keys its writes, so work that still finishes (a server that answers again) is found by
    // Twilio's retry rather than done twice.
    work.catch((err: unknown) => deps.log.warn({ ...context, err }, 'a Twilio step answered as not done then failed'));
    return failed();
  } catch (err) {
    deps.log.error({ ...context, err }, 'Twilio step could not complete');
    return failed();
  } finally {
    clearTimeout(timer);
  }
}

/** Twilio's webhooks: form-encoded, at most 64 KB, signature-checked before anything is read or written. */
export function twilioRoutes(deps: IvrDeps, authToken: string | undefined): Router {
  const router = Router();
  router.use(express.urlencoded({ extended: false, limit: '64kb', parameterLimit: 200 }));
  router.use(requireTwilioSignature(authToken, deps.publicUrl, deps.log));
  for (const [path, step] of Object.entries(STEPS)) {
    router.post(path, async (req, res) => {
      const answer = await runStep(deps, path, step, callStep(req));
      res
        .status(answer.status)
        .type(answer.status === 200 ? 'text/xml' : 'text/plain')
        .send(answer.body);
    });
  }
  router.use((req, res) => {
    res.status(404).type('text/plain').send(`No Twilio webhook at ${req.method} /twilio${req.path}`);
  });
  return router;
}

const MAX_BODY = 64 * 1024;

/**
 * Every call starts with `POST /twilio/voice`, so that one request is answered before Express: the same
 * signature check, the same step, the same answer, without the framework's per-request set-up. It
 * answers true when it took the request; anything unusual (another path or method, a query string,
 * another content type, a body over 64 KB) is left to Express, which answers it the ordinary way.
 */
export function incomingCallFastPath(
  deps: IvrDeps,
  authToken: string | undefined,
  headers: [string, string][] = [],
): (req: IncomingMessage, res: ServerResponse) => boolean {
  // The fixed headers as one flat list, which Node's writeHead takes as it is.
  const fixed = headers.flat();
  const incoming = STEPS['/voice']!;
  return (req, res) => {
    if (
      req.method !== 'POST' ||
      req.url !== '/twilio/voice' ||
      !(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')
    )
      return false;
    const declared = Number(req.headers['content-length'] ?? 0);
    if (!(declared > 0 && declared <= MAX_BODY)) return false;
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY) chunks.push(chunk);
    });
    // A request that broke off mid-body has nobody left to answer.
    req.on('error', () => res.destroy());
    const answer = (status: number, type: string, body: string) => {
      res.writeHead(status, [...fixed, 'content-type', type, 'content-length', String(Buffer.byteLength(body))]);
      res.end(body);
    };
    const respond = async () => {
      if (size > MAX_BODY)
        return answer(
          413,
          'application/json',
          JSON.stringify({ error: { code: 'body_too_large', message: 'The request body is too large' } }),
        );
      const form = Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString('utf8')));
      if (
        authToken &&
        !validTwilioSignature(
          authToken,
          deps.publicUrl + req.url,
          form,
          req.headers['x-twilio-signature'] as string | undefined,
        )
      ) {
        deps.log.warn({ path: req.url }, 'refused a Twilio webhook with a missing or wrong signature');
        return answer(403, 'text/plain', 'Forbidden: missing or invalid X-Twilio-Signature');
      }
      const result = await runStep(deps, '/voice', incoming, callStepOf(form, {}));
      answer(result.status, result.status === 200 ? 'text/xml; charset=utf-8' : 'text/plain', result.body);
    };
    // runStep answers every failure of the step itself; anything else is logged and answered as not
    // saved, so Twilio tries again or falls back to the number's fallback document.
    req.on(
      'end',
      () =>
        void respond().catch((err: unknown) => {
          deps.log.error({ err, path: req.url }, 'the incoming-call webhook could not be answered');
          if (!res.headersSent) answer(503, 'text/plain', NOT_SAVED);
          else res.destroy();
        }),
    );
    return true;
  };
}
