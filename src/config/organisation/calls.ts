import { z } from 'zod';
import type { CountryCode } from 'libphonenumber-js';
import { duration, parseClock, phone, reshape } from '../fields.js';
import { countryCode } from './organization.js';

/** `emergency:` key 5, a voicemail that pages the on-call engineer (or, with live_connect, rings them first). */
export const emergency = reshape(
  z
    .object({
      duplicate_window: duration.default(4 * 3_600_000),
      max_recording: duration.default(180_000),
      live_connect: z.boolean().default(false),
    })
    .strict(),
  (e) => ({
    duplicateWindowMs: e.duplicate_window,
    maxRecordingMs: e.max_recording,
    liveConnect: e.live_connect,
  }),
).prefault({});

/** `helpdesk:` key 1, the numbers rung at once (the office staff when empty), and for how long. */
export const helpdesk = (country: CountryCode) =>
  reshape(
    z
      .object({
        forward_to: z.array(phone(country)).default(() => []),
        ring_timeout: duration.default(25_000),
      })
      .strict(),
    (h) => ({ forwardTo: h.forward_to, ringTimeoutMs: h.ring_timeout }),
  ).prefault({});

/** `prompts:` spoken prompts replaced by key. */
export const prompts = z.record(z.string(), z.string().min(1)).default(() => ({}));

/** `callback_countries:` whose numbers may be called back (default: the organisation's own); never a premium-rate line. */
export const callbackCountries = (country: CountryCode) =>
  z
    .array(countryCode)
    .min(1, 'must name at least one country')
    .default(() => [country]);

/** `self_test:` a daily call from a second number to the helpdesk line, to prove it reaches Switchboard. */
export const selfTest = (country: CountryCode) =>
  reshape(
    z
      .object({
        at: z.string().transform((text, ctx) => {
          const minutes = parseClock(text.trim(), false);
          if (minutes === undefined) {
            ctx.addIssue({ code: 'custom', message: `"${text}" is not a time like "07:00"` });
            return z.NEVER;
          }
          return minutes;
        }),
        from: phone(country),
      })
      .strict(),
    (t) => ({ atMinutes: t.at, from: t.from }),
  ).optional();
