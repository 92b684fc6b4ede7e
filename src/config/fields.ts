import { closest, distance } from 'fastest-levenshtein';
import { z } from 'zod';
import { IANAZone } from 'luxon';
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';

/** Small zod building blocks for the organisation file; each failure names what is wrong. */

export const WEEKDAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

export const timeZone = z.string().refine((v) => IANAZone.isValidZone(v), {
  error: (iss) => `"${String(iss.input)}" is not a known IANA time zone (for example America/Chicago)`,
});

/** "HH:MM" as minutes after midnight; 24:00 is allowed as an end. */
export function parseClock(text: string, allowMidnightEnd: boolean): number | undefined {
  const m = /^(\d{1,2}):(\d{2})$/.exec(text.trim());
  if (!m) return undefined;
  const h = Number(m[1]);
  const min = Number(m[2]);
  if (min > 59) return undefined;
  if (h === 24 && min === 0 && allowMidnightEnd) return 24 * 60;
  if (h > 23) return undefined;
  return h * 60 + min;
}

export interface Window {
  /** Minutes after local midnight. */
  start: number;
  end: number;
}

export const timeWindow = z.string().transform((text, ctx): Window => {
  const [from, to, extra] = text.split('-');
  const start = from === undefined ? undefined : parseClock(from, false);
  const end = to === undefined ? undefined : parseClock(to, true);
  if (extra !== undefined || start === undefined || end === undefined) {
    ctx.addIssue({
      code: 'custom',
      message: `"${text}" is not a window like "09:00-17:00" (24-hour clock, 00:00 to 24:00)`,
    });
    return z.NEVER;
  }
  if (end <= start) {
    ctx.addIssue({
      code: 'custom',
      message: `"${text}" ends before it starts; split a window that crosses midnight into "18:00-24:00" and "00:00-09:00" on the next day`,
    });
    return z.NEVER;
  }
  return { start, end };
});

export const dayWindows = z.array(timeWindow).superRefine((windows, ctx) => {
  const sorted = [...windows].sort((a, b) => a.start - b.start);
  for (let i = 1; i < sorted.length; i++) {
    const prev = sorted[i - 1]!;
    const cur = sorted[i]!;
    if (cur.start < prev.end) {
      ctx.addIssue({ code: 'custom', message: `windows ${formatWindow(prev)} and ${formatWindow(cur)} overlap` });
    }
  }
});

export function formatClock(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

export function formatWindow(w: Window): string {
  return `${formatClock(w.start)}-${formatClock(w.end)}`;
}

const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** "30s", "10m", "2h", "1h30m", "500ms" as milliseconds. */
export function parseDuration(text: string): number | undefined {
  const trimmed = text.trim();
  if (!/^(\d+(?:ms|[smhd]))+$/.test(trimmed)) return undefined;
  let total = 0;
  for (const [, amount, unit] of trimmed.matchAll(/(\d+)(ms|[smhd])/g))
    total += Number(amount) * DURATION_UNITS[unit!]!;
  return total > 0 ? total : undefined;
}

export const duration = z.union([z.string(), z.number()]).transform((value, ctx) => {
  const ms = parseDuration(String(value));
  if (ms === undefined) {
    ctx.addIssue({ code: 'custom', message: `"${value}" is not a duration like 30s, 10m, 2h or 1h30m` });
    return z.NEVER;
  }
  return ms;
});

export const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date like 2026-12-25')
  .refine(
    (v) => !Number.isNaN(Date.parse(`${v}T00:00:00Z`)) && new Date(`${v}T00:00:00Z`).toISOString().startsWith(v),
    {
      message: 'is not a real calendar date',
    },
  );

/** Caller ID as Twilio sends it is already E.164; anything else goes through the full parser. */
export function callerIdOf(text: string | undefined, country: CountryCode = 'US'): string | undefined {
  if (!text) return undefined;
  return /^\+[1-9]\d{7,14}$/.test(text) ? text : normalisePhone(text, country);
}

/** A phone number normalised to E.164; a number without a country code is read in `country`. */
export function normalisePhone(text: string, country: CountryCode = 'US'): string | undefined {
  const parsed = parsePhoneNumberFromString(text, country);
  // isPossible (right length for the country) rather than isValid: the contract's own example numbers
  // are the reserved +1 555 range, which libphonenumber does not count as assigned.
  return parsed?.isPossible() ? parsed.number : undefined;
}

export const phone = (country: CountryCode) =>
  z.union([z.string(), z.number()]).transform((value, ctx) => {
    const e164 = normalisePhone(String(value), country);
    if (!e164) {
      ctx.addIssue({ code: 'custom', message: `"${value}" is not a valid phone number (write it as +12815550100)` });
      return z.NEVER;
    }
    return e164;
  });

/**
 * A section of the organisation file turned into the shape the code uses. Zod skips a `.transform`
 * once any field below it has a problem, even one (a name too short, an unknown time zone) that
 * lets the file's cross-section checks run on; those checks would then meet the file's shape instead
 * of this one. An overwrite runs exactly when they do, so they always see the shape they read.
 */
export function reshape<S extends z.ZodType, T>(section: S, shape: (file: z.output<S>) => T): z.ZodType<T, z.input<S>> {
  return section.overwrite(shape as never) as unknown as z.ZodType<T, z.input<S>>;
}

/** The closest of `known` to a misspelt key, if it is close enough to be a likely typo. */
export function closestKey(key: string, known: string[]): string | undefined {
  if (known.length === 0) return undefined;
  const best = closest(key, known);
  return distance(key, best) <= Math.max(2, Math.floor(best.length / 3)) ? best : undefined;
}

/**
 * Zod's error map for an object given keys it does not know (`.strict()`): one line per key, each
 * "path<TAB>message", naming the key meant when it looks like a typo. Without this a misspelt setting
 * or field would be dropped without a word.
 */
export function unknownKeysText(issue: { keys: string[]; path?: PropertyKey[]; inst?: unknown }, noun: string): string {
  const shape = (issue.inst as { _zod?: { def?: { shape?: Record<string, unknown> } } } | undefined)?._zod?.def?.shape;
  const known = Object.keys(shape ?? {});
  return issue.keys
    .map((key) => {
      const near = closestKey(key, known);
      const hint = near ? ` (did you mean "${near}"?)` : known.length ? ` (known here: ${known.join(', ')})` : '';
      return `${fieldPath([...(issue.path ?? []), key])}\tis not a ${noun}${hint}`;
    })
    .join('\n');
}

/** The lines unknownKeysText wrote, as [path, message]. */
export const unknownKeyLines = (message: string): [string, string][] =>
  message.split('\n').map((line) => line.split('\t', 2) as [string, string]);

/** ["staff", 1, "phone"] as "staff[1].phone". */
export function fieldPath(path: readonly PropertyKey[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i === 0 ? '' : '.'}${String(p)}`)).join('');
}
