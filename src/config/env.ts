import { z } from 'zod';

/** Environment variables, exactly as ../shared/CONTRACT.md names them. Parsed once at start-up. */
const optionalText = z
  .string()
  .trim()
  .transform((v) => (v === '' ? undefined : v))
  .optional();

const envSchema = z
  .object({
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    DATABASE_URL: z
      .string()
      .default('file:./data/switchboard.db')
      .refine((v) => v.startsWith('file:') && v.length > 'file:'.length, {
        message: 'must look like file:PATH (for example file:./data/switchboard.db)',
      }),
    PUBLIC_URL: optionalText.pipe(z.url({ message: 'must be an absolute URL such as https://switchboard.example.com' }).optional()),
    SWITCHBOARD_CONFIG: optionalText,
    API_TOKEN: optionalText,
    TWILIO_ACCOUNT_SID: optionalText,
    TWILIO_AUTH_TOKEN: optionalText,
    TWILIO_PHONE_NUMBER: optionalText,
    TWILIO_API_URL: optionalText.pipe(z.url().optional()),
    SMTP_URL: optionalText.pipe(z.url({ message: 'must look like smtp://user:pass@host:587' }).optional()),
    MAIL_FROM: optionalText,
    SLACK_BOT_TOKEN: optionalText,
    SLACK_CHANNEL: optionalText,
    SLACK_SIGNING_SECRET: optionalText,
    SLACK_API_URL: optionalText.pipe(z.url().optional()),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  })
  .superRefine((env, ctx) => {
    if (env.SLACK_BOT_TOKEN && !env.SLACK_CHANNEL) {
      ctx.addIssue({ code: 'custom', path: ['SLACK_CHANNEL'], message: 'is required when SLACK_BOT_TOKEN is set' });
    }
  });

export type RawEnv = z.infer<typeof envSchema>;

export interface Env extends RawEnv {
  /** The database file path taken from DATABASE_URL. */
  databasePath: string;
  /** PUBLIC_URL without a trailing slash; defaults to http://localhost:$PORT. */
  publicUrl: string;
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
  return { ok: true, value: { ...raw, databasePath: raw.DATABASE_URL.slice('file:'.length), publicUrl } };
}
