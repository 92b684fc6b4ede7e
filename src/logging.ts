import { pino, stdSerializers, type Logger, type LoggerOptions } from 'pino';

export type { Logger };

/**
 * Structured logs: JSON for a log collector, readable lines (pino-pretty) when a person watches the
 * terminal. Secrets are redacted under these keys, and an error's text loses the query parameters a
 * database error quotes (callers' numbers and words) and any link token.
 */
export function createLogger(level: string, pretty = Boolean(process.stdout.isTTY)): Logger {
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
  if (!pretty) return pino(options);
  return pino(
    options,
    pino.transport({
      target: 'pino-pretty',
      options: { colorize: true, translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname,service' },
    }),
  );
}

function scrubError(err: unknown) {
  if (!(err instanceof Error)) return scrubForLog(String(err));
  const out = stdSerializers.err(err) as ReturnType<typeof stdSerializers.err> & { message: string; stack: string };
  const clean = (text: string | undefined) =>
    text ? scrubForLog(text.replace(/params: .*$/gm, 'params: [not logged]')) : text;
  return { ...out, message: clean(out.message), stack: clean(out.stack) };
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
