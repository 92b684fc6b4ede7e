import { z } from 'zod';
import { parseDuration } from './fields.js';

/** Environment variables, exactly as ../shared/CONTRACT.md names them. Parsed once at start-up. */
const optionalText = z
  .string()
  .trim()
  .transform((v) => (v === '' ? undefined : v))
  .optional();

function sendTimeout(fallback: string) {
  return optionalText.transform((v, ctx) => {
    const ms = parseDuration(v ?? fallback);
    if (ms === undefined || ms > 120_000) {
      ctx.addIssue({ code: 'custom', message: `"${v}" is not a duration of at most 2m, like 10s or 500ms` });
      return z.NEVER;
    }
    return ms;
  });
}

/** Where the data lives: an SQLite file (the default), or a PostgreSQL database several instances may share. */
export type DatabaseTarget = { engine: 'sqlite'; path: string } | { engine: 'postgres'; url: string };

export function databaseOf(url: string): DatabaseTarget | undefined {
  if (url.startsWith('file:') && url.length > 'file:'.length)
    return { engine: 'sqlite', path: url.slice('file:'.length) };
  if (/^postgres(ql)?:\/\/./.test(url)) {
    try {
      return new URL(url).hostname ? { engine: 'postgres', url } : undefined;
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/** Where email intake reads: the server, the account and the folder (the URL's path, default INBOX). */
export interface MailboxTarget {
  secure: boolean;
  host: string;
  port: number;
  user: string;
  password: string;
  folder: string;
}

export function mailboxOf(url: string): MailboxTarget | undefined {
  try {
    const u = new URL(url);
    if ((u.protocol !== 'imap:' && u.protocol !== 'imaps:') || !u.hostname || !u.username) return undefined;
    const secure = u.protocol === 'imaps:';
    const folder = decodeURIComponent(u.pathname.replace(/^\/+/, '')) || 'INBOX';
    return {
      secure,
      host: u.hostname.replace(/^\[|\]$/g, ''),
      port: u.port ? Number(u.port) : secure ? 993 : 143,
      user: decodeURIComponent(u.username),
      password: decodeURIComponent(u.password),
      folder,
    };
  } catch {
    return undefined;
  }
}

/** A PUBLIC_URL only this machine reaches: the one place unsigned webhooks are acceptable (a local demo). */
export function isLocalUrl(url: string): boolean {
  const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
  return host === 'localhost' || host.endsWith('.localhost') || host === '::1' || /^127\./.test(host);
}

/** PostgreSQL connections per instance for its work, unless DATABASE_POOL_SIZE says otherwise. */
export const DEFAULT_POOL_SIZE = 10;

const envSchema = z
  .object({
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    DATABASE_URL: z
      .string()
      .trim()
      .default('file:./data/switchboard.db')
      .refine((v) => databaseOf(v) !== undefined, {
        message:
          'must look like file:PATH (SQLite, e.g. file:./data/switchboard.db) or postgres://user:pass@host:5432/db',
      }),
    /** PostgreSQL: connections each instance opens for its work (the pager keeps 3 more of its own). */
    DATABASE_POOL_SIZE: optionalText.transform((v, ctx) => {
      const n = Number(v ?? DEFAULT_POOL_SIZE);
      if (!Number.isInteger(n) || n < 2 || n > 500) {
        ctx.addIssue({ code: 'custom', message: `"${v}" is not a number of connections from 2 to 500, like 10` });
        return z.NEVER;
      }
      return n;
    }),
    PUBLIC_URL: optionalText.pipe(
      z.url({ message: 'must be an absolute URL such as https://switchboard.example.com' }).optional(),
    ),
    SWITCHBOARD_CONFIG: optionalText,
    API_TOKEN: optionalText,
    TWILIO_ACCOUNT_SID: optionalText,
    TWILIO_AUTH_TOKEN: optionalText,
    TWILIO_PHONE_NUMBER: optionalText,
    TWILIO_API_URL: optionalText.pipe(z.url().optional()),
    /** SMS go out through this Messaging Service (its sender pool); calls still come from TWILIO_PHONE_NUMBER. */
    TWILIO_MESSAGING_SERVICE_SID: optionalText.pipe(
      z
        .string()
        .regex(
          /^MG[0-9a-fA-F]{32}$/,
          'must be a Messaging Service SID: MG and 32 hex digits (Twilio Console, Messaging, Services)',
        )
        .optional(),
    ),
    /** Voicemails are transcribed by this Conversational Intelligence service, in its language. */
    TWILIO_INTELLIGENCE_SERVICE_SID: optionalText.pipe(
      z
        .string()
        .regex(
          /^GA[0-9a-fA-F]{32}$/,
          'must be a Conversational Intelligence service SID: GA and 32 hex digits (Twilio Console, Conversational Intelligence, Services)',
        )
        .optional(),
    ),
    SMTP_URL: optionalText.pipe(z.url({ message: 'must look like smtp://user:pass@host:587' }).optional()),
    MAIL_FROM: optionalText,
    SLACK_BOT_TOKEN: optionalText,
    SLACK_CHANNEL: optionalText,
    SLACK_SIGNING_SECRET: optionalText,
    SLACK_API_URL: optionalText.pipe(z.url().optional()),
    /** The helpdesk mailbox email intake reads: imap://user:pass@host:port/INBOX (imaps:// for TLS). */
    IMAP_URL: optionalText.pipe(
      z
        .string()
        .refine((v) => mailboxOf(v) !== undefined, {
          message: 'must look like imaps://user:password@imap.example.com:993/INBOX (imap:// without TLS)',
        })
        .optional(),
    ),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    /** Signs voicemail and acknowledgement links; without it a secret kept in the database is used. */
    LINK_SECRET: optionalText.pipe(
      z.string().min(32, 'must be at least 32 characters (e.g. openssl rand -hex 32)').optional(),
    ),
    /** For a lab only: accept unsigned /twilio/* webhooks although PUBLIC_URL is not a local address. */
    ALLOW_UNSIGNED_WEBHOOKS: optionalText.pipe(
      z.enum(['true', 'false'], { message: 'must be true or false' }).optional(),
    ),
    /** How long one request to each provider may take before its outcome counts as unknown. */
    TWILIO_TIMEOUT: sendTimeout('10s'),
    SMTP_TIMEOUT: sendTimeout('15s'),
    SLACK_TIMEOUT: sendTimeout('10s'),
    /** The header a trusted proxy puts the client's address in (Fly: fly-client-ip); unset: the socket's address. */
    CLIENT_IP_HEADER: optionalText.pipe(
      z
        .string()
        .regex(/^[A-Za-z0-9-]{1,64}$/, 'must be a header name such as fly-client-ip')
        .optional(),
    ),
  })
  .superRefine((env, ctx) => {
    if (env.SLACK_BOT_TOKEN && !env.SLACK_CHANNEL) {
      ctx.addIssue({ code: 'custom', path: ['SLACK_CHANNEL'], message: 'is required when SLACK_BOT_TOKEN is set' });
    }
    // Unsigned webhooks let anyone fake an emergency or silence an escalation: only on a local demo.
    if (
      !env.TWILIO_AUTH_TOKEN &&
      env.PUBLIC_URL &&
      !isLocalUrl(env.PUBLIC_URL) &&
      env.ALLOW_UNSIGNED_WEBHOOKS !== 'true'
    ) {
      ctx.addIssue({
        code: 'custom',
        path: ['TWILIO_AUTH_TOKEN'],
        message: `is required when PUBLIC_URL (${env.PUBLIC_URL}) is not a local address, so that only Twilio can call /twilio/* (a lab may set ALLOW_UNSIGNED_WEBHOOKS=true instead)`,
      });
    }
  });

export type RawEnv = z.infer<typeof envSchema>;

export interface Env extends RawEnv {
  /** The database DATABASE_URL names. */
  database: DatabaseTarget;
  /** The mailbox IMAP_URL names, when email intake is on. */
  mailbox?: MailboxTarget;
  /** PUBLIC_URL without a trailing slash; defaults to http://localhost:$PORT. */
  publicUrl: string;
  /** /twilio/* accepts requests without a valid signature (no TWILIO_AUTH_TOKEN: a local demo, or a lab's opt-out). */
  unsignedWebhooks: boolean;
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; problems: string[] };

export function parseEnv(source: NodeJS.ProcessEnv): Parsed<Env> {
  const result = envSchema.safeParse(source);
  if (!result.success) {
    return {
      ok: false,
      problems: result.error.issues.map((i) => `environment ${i.path.join('.')}: ${i.message}`),
    };
  }
  const raw = result.data;
  const publicUrl = (raw.PUBLIC_URL ?? `http://localhost:${raw.PORT}`).replace(/\/+$/, '');
  return {
    ok: true,
    value: {
      ...raw,
      database: databaseOf(raw.DATABASE_URL)!,
      mailbox: raw.IMAP_URL ? mailboxOf(raw.IMAP_URL) : undefined,
      publicUrl,
      unsignedWebhooks: !raw.TWILIO_AUTH_TOKEN,
    },
  };
}
