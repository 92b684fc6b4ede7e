import { pino, type DestinationStream, type Logger, type LoggerOptions } from 'pino';

export type { Logger };

/**
 * Structured logs: JSON for a log collector, readable lines (pino-pretty) when a person watches the
 * terminal. Secrets are redacted under these keys, and an error's text loses the query parameters a
 * database error quotes (callers' numbers and words) and any link token.
 */
export function createLogger(
  level: string,
  pretty = Boolean(process.stdout.isTTY),
  destination?: DestinationStream,
): Logger {
  const options: LoggerOptions = {
    level,
    base: { service: 'switchboard' },
    redact: {
      paths: [
        'authorization',
        'req.headers.authorization',
        '*.authToken',
        '*.password',
        '*.token',
        'token',
        'password',
      ],
      censor: '[redacted]',
    },
    serializers: { err: scrubError },
  };
  if (destination) return pino(options, destination);
  if (!pretty) return pino(options);
  return pino(
    options,
    pino.transport({
      target: 'pino-pretty',
      options: { colorize: true, translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname,service' },
    }),
  );
}

/**
 * The values a failed statement carried ("params: …" in drizzle's message, on as many lines as they
 * have; the message ends there) replaced: they are callers' numbers, staff replies, voicemail words.
 */
export function withoutParams(text: string): string {
  const at = text.startsWith('params: ') ? 0 : text.indexOf('\nparams: ');
  return at < 0 ? text : `${text.slice(0, at)}${at ? '\n' : ''}params: [not logged]`;
}

const ownMessage = (e: Error) => scrubForLog(withoutParams(String(e.message)));

/** Where the error came from: its name and cleaned message, then only the stack's frames. */
const ownStack = (e: Error) =>
  [
    `${e.name}: ${ownMessage(e)}`,
    ...String(e.stack ?? '')
      .split('\n')
      .filter((line) => /^\s+at /.test(line)),
  ].join('\n');

/**
 * An error as the log keeps it: its type, message and stack, and those of its causes, with the
 * statement's values taken out and numbers, addresses and link tokens masked, plus its `code` and
 * `status`. Nothing else of it (a driver's error carries the failing row in `detail`, drizzle's the
 * values in `params`, a provider's the request's body).
 */
function scrubError(err: unknown) {
  if (!(err instanceof Error)) return scrubForLog(withoutParams(String(err)));
  const chain: Error[] = [];
  for (let e: unknown = err; e instanceof Error && chain.length < 5; e = e.cause) chain.push(e);
  const { code, status } = err as { code?: unknown; status?: unknown };
  return {
    type: err.constructor?.name ?? err.name,
    message: chain.map(ownMessage).join(': '),
    stack: chain.map((e, i) => (i ? `caused by: ${ownStack(e)}` : ownStack(e))).join('\n'),
    ...(typeof code === 'string' || typeof code === 'number' ? { code } : {}),
    ...(typeof status === 'number' ? { status } : {}),
  };
}

/** +15550200001 as +1555***0001: enough to tell numbers apart in a log without storing whose it is. */
export function maskPhone(phone: string | undefined | null): string | undefined {
  if (!phone) return undefined;
  if (phone.length <= 6) return '***';
  return `${phone.slice(0, 5)}***${phone.slice(-4)}`;
}

/** olive@example.com as o***@example.com: which organisation's address, not whose (anything else typed, ***). */
export function maskEmail(email: string | undefined | null): string | undefined {
  if (!email) return undefined;
  const at = email.lastIndexOf('@');
  return at > 0 ? `${email[0]}***${email.slice(at, at + 100)}` : '***';
}

/** Every E.164 number in a text masked. */
export const maskPhonesIn = (text: string) => text.replace(/\+\d{8,15}/g, (n) => maskPhone(n)!);

const EMAIL = /([A-Za-z0-9._%+-])[A-Za-z0-9._%+-]*@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)/g;
/** Every email address in a text masked. */
export const maskEmailsIn = (text: string) => text.replace(EMAIL, '$1***@$2');

/** Link tokens (?t=…) taken out, so a log never holds a working voicemail or acknowledgement link. */
export const withoutLinkTokens = (text: string) => text.replace(/([?&]t=)[^\s&"'<>]+/g, '$1[redacted]');

/** What a log may show of a message: no link token, no full number, no full address. */
export const scrubForLog = (text: string) => maskEmailsIn(maskPhonesIn(withoutLinkTokens(text)));

/** What node-cron says about a job, as node-cron's logger interface has it. */
export interface JobLogger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string | Error, err?: Error): void;
  debug(message: string | Error, err?: Error): void;
}

/**
 * node-cron's own messages about one job, in this service's log with the job's name: its default logger
 * prints "task still running, new execution blocked by overlap prevention!" to the console without saying
 * which job. A job that loops by itself until its work is done (the outbox) overlaps its own tick on
 * purpose; there that is a debug line, elsewhere a warning that the job ran longer than its period.
 */
export function jobLogger(log: Logger, job: string, overlap: 'expected' | 'warn' = 'warn'): JobLogger {
  const own = log.child({ job });
  const errorOf = (message: string | Error, err?: Error) => (message instanceof Error ? message : err);
  return {
    info: (message) => own.debug(message),
    warn: (message) => {
      if (/still running/.test(message)) {
        if (overlap === 'expected') own.debug('still running at its next tick; it carries on by itself');
        else own.warn(`job ${job} was still running at its next scheduled time, so that run was skipped`);
        return;
      }
      own.warn(`job ${job}: ${message}`);
    },
    error: (message, err) => own.error({ err: errorOf(message, err) }, `job ${job} failed`),
    debug: (message, err) => own.debug({ err: errorOf(message, err) }, `job ${job}: ${String(message)}`),
  };
}
