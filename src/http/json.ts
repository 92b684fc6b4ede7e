import type { ErrorRequestHandler, Request, RequestHandler, Response } from 'express';
import type { z } from 'zod';
import type { Logger } from 'pino';
import { fieldPath, unknownKeyLines, unknownKeysText, type Organisation, type StaffMember } from '../config/index.js';
import { STATUS_OF, type Outcome, type Problem } from './problems.js';

/** Every JSON error has one shape: { error: { code, message, fields? } }. */
export function sendProblem(res: Response, problem: Problem): void {
  const { kind, ...body } = problem;
  if (kind === 'unauthorized') res.set('WWW-Authenticate', 'Bearer');
  res.status(STATUS_OF[kind]).json({ error: body });
}

/** The staff member an API call names by `staffId`; unknown: answers 400 and returns undefined. */
export function staffNamed(org: Organisation, staffId: string, res: Response): StaffMember | undefined {
  const person = org.staff.find((s) => s.id === staffId);
  if (!person)
    sendProblem(res, {
      kind: 'invalid',
      code: 'unknown_staff',
      message: `"${staffId}" is not on the staff`,
      fields: { staffId: 'is not a staff id' },
    });
  return person;
}

/** Answers an outcome: the value with `status`, or its problem. */
export function sendOutcome<T>(res: Response, outcome: Outcome<T>, status = 200): void {
  if (outcome.ok) res.status(status).json(outcome.value);
  else sendProblem(res, outcome.problem);
}

/** Parses input with a zod schema; on failure answers 400 naming the fields and returns undefined. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, res: Response): z.infer<S> | undefined {
  const result = schema.safeParse(input, {
    error: (issue) => (issue.code === 'unrecognized_keys' ? unknownKeysText(issue, 'field') : undefined),
  });
  if (result.success) return result.data;
  const fields: Record<string, string> = {};
  for (const issue of result.error.issues) {
    if (issue.code === 'unrecognized_keys')
      for (const [path, message] of unknownKeyLines(issue.message)) fields[path] ??= message;
    else fields[fieldPath(issue.path) || '(body)'] ??= issue.message;
  }
  sendProblem(res, {
    kind: 'invalid',
    code: 'invalid_input',
    message: `Invalid input: ${Object.entries(fields)
      .map(([f, m]) => `${f} ${m}`)
      .join('; ')}`,
    fields,
  });
  return undefined;
}

export const notFoundJson: RequestHandler = (req, res) => {
  sendProblem(res, { kind: 'not_found', code: 'not_found', message: `No such resource: ${req.method} ${req.path}` });
};

/** Body-parser failures become 400/413; anything else is logged with context and answered with a safe 500. */
export function errorHandler(log: Logger): ErrorRequestHandler {
  return (err, req: Request, res, _next) => {
    const status =
      typeof err?.status === 'number' ? err.status : typeof err?.statusCode === 'number' ? err.statusCode : 500;
    if (res.headersSent) return;
    if (status === 413) {
      sendProblem(res, { kind: 'too_large', code: 'body_too_large', message: 'The request body is too large' });
    } else if (status >= 400 && status < 500) {
      sendProblem(res, {
        kind: 'invalid',
        code: err?.type === 'entity.parse.failed' ? 'invalid_json' : 'bad_request',
        message: err?.type === 'entity.parse.failed' ? 'The body is not valid JSON' : 'The request could not be read',
      });
    } else {
      log.error({ err, method: req.method, path: req.path }, 'request failed');
      res
        .status(500)
        .json({ error: { code: 'internal', message: 'Something went wrong on our side; it has been logged.' } });
    }
  };
}
