import { pino, type Logger } from 'pino';

export type { Logger };

/** Structured JSON logs; secrets are redacted wherever they appear under these keys. */
export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { service: 'switchboard' },
    redact: {
      paths: ['authorization', 'req.headers.authorization', '*.authToken', '*.password', '*.token', 'token', 'password'],
      censor: '[redacted]',
    },
  });
}

/** +15550200001 as +1555***0001: enough to tell numbers apart in a log without storing whose it is. */
export function maskPhone(phone: string | undefined | null): string | undefined {
  if (!phone) return undefined;
  if (phone.length <= 6) return '***';
  return `${phone.slice(0, 5)}***${phone.slice(-4)}`;
}

/** Every E.164 number in a text masked, for message bodies written to an info-level log. */
export const maskPhonesIn = (text: string) => text.replace(/\+\d{8,15}/g, (n) => maskPhone(n)!);
