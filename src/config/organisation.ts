import { z } from 'zod';
import type { CountryCode } from 'libphonenumber-js';
import { getCountries } from 'libphonenumber-js';
import {
  WEEKDAYS,
  dayWindows,
  fieldPath,
  duration,
  isoDate,
  parseClock,
  phone,
  timeZone,
  type Weekday,
  type Window,
} from './fields.js';

export const ROLES = ['engineer', 'architect', 'office'] as const;
/** Ticket priorities, most urgent first; the organisation's SLA targets are given per priority. */
export const PRIORITIES = ['critical', 'high', 'medium', 'low'] as const;
export type Priority = (typeof PRIORITIES)[number];
export type Role = (typeof ROLES)[number];
export const SHIFTS = ['daily', 'weekly'] as const;

const countryCode = z
  .string()
  .toUpperCase()
  .refine((c) => (getCountries() as string[]).includes(c), {
    error: (iss) => `"${String(iss.input)}" is not a two-letter country code such as US or IT`,
  });

const handoff = z.string().transform((text, ctx) => {
  const parts = text.trim().toLowerCase().split(/\s+/);
  const clock = parts.length === 2 ? parts[1]! : parts[0]!;
  const day = parts.length === 2 ? parts[0] : undefined;
  const minutes = parseClock(clock, false);
  if (
    parts.length > 2 ||
    minutes === undefined ||
    (day !== undefined && !(WEEKDAYS as readonly string[]).includes(day))
  ) {
    ctx.addIssue({
      code: 'custom',
      message: `"${text}" is not a hand-off like "monday 09:00" (weekly) or "09:00" (daily)`,
    });
    return z.NEVER;
  }
  return { weekday: day as Weekday | undefined, minutes };
});

const HOUR = 3_600_000;

function organisationSchema(country: CountryCode) {
  const staffMember = z.object({
    id: z
      .string()
      .trim()
      .min(1)
      .regex(/^[A-Za-z0-9_.-]+$/, 'may hold letters, digits, dot, dash and underscore only'),
    name: z.string().trim().min(1),
    role: z.enum(ROLES, { message: `must be one of ${ROLES.join(', ')}` }),
    phone: phone(country),
    email: z.email({ message: 'is not a valid email address' }),
    slack: z.string().trim().min(1).optional(),
  });

  const businessHours = z
    .object(
      Object.fromEntries(WEEKDAYS.map((d) => [d, dayWindows.default([])])) as Record<
        Weekday,
        z.ZodDefault<typeof dayWindows>
      >,
    )
    .strict();

  return z
    .object({
      organization: z.object({
        name: z.string().trim().min(1),
        timezone: timeZone,
        helpdesk_number: phone(country),
        country: countryCode.optional(),
        language: z.string().trim().min(2).default('en-US'),
        voice: z.string().trim().min(1).optional(),
      }),
      business_hours: businessHours.default(Object.fromEntries(WEEKDAYS.map((d) => [d, []])) as never),
      weekend_days: z.array(z.enum(WEEKDAYS)).default(['saturday', 'sunday']),
      holidays: z.array(isoDate).default([]),
      holiday_calendar: countryCode.optional(),
      staff: z.array(staffMember).min(1, 'must list at least one person'),
      on_call: z.object({
        rotation: z.array(z.string()).min(1, 'must name at least one staff id'),
        shift: z.enum(SHIFTS, { message: `must be one of ${SHIFTS.join(', ')}` }).default('weekly'),
        handoff: handoff.default({ weekday: 'monday', minutes: 9 * 60 }),
        start: isoDate.optional(),
      }),
      escalation: z
        .object({
          ack_timeout: duration.default(10 * 60_000),
          repeat: z.number().int().min(0).max(20).default(3),
        })
        .default({ ack_timeout: 10 * 60_000, repeat: 3 }),
      emergency: z
        .object({ duplicate_window: duration.default(4 * 3_600_000), max_recording: duration.default(180_000) })
        .default({ duplicate_window: 4 * 3_600_000, max_recording: 180_000 }),
      helpdesk: z
        .object({ forward_to: z.array(phone(country)).default([]), ring_timeout: duration.default(25_000) })
        .default({ forward_to: [], ring_timeout: 25_000 }),
      paging: z
        .object({
          burst: z.number().int().min(1).max(100).default(3),
          burst_window: duration.default(60_000),
          hourly_limit: z.number().int().min(1).max(1000).default(30),
          bundling: z.boolean().default(true),
        })
        .default({ burst: 3, burst_window: 60_000, hourly_limit: 30, bundling: true }),
      prompts: z.record(z.string(), z.string().min(1)).default({}),
      /** Resolution targets; Critical runs around the clock, the others in business time. */
      sla: z
        .object({
          critical: duration.default(4 * HOUR),
          high: duration.default(24 * HOUR),
          medium: duration.default(48 * HOUR),
          low: duration.default(72 * HOUR),
        })
        .strict()
        .default({ critical: 4 * HOUR, high: 24 * HOUR, medium: 48 * HOUR, low: 72 * HOUR }),
      /** When the office returns calls, if not in office hours (same shape as business_hours). */
      callback_hours: businessHours.optional(),
      /** Countries whose numbers may be called back (default: the organisation's own). */
      callback_countries: z.array(countryCode).min(1, 'must name at least one country').optional(),
      billing: z
        .object({ recipients: z.array(z.email({ message: 'is not a valid email address' })).default([]) })
        .default({ recipients: [] }),
      /** Email intake: the helpdesk's own addresses (all delivered to IMAP_URL's mailbox) and who may open tickets. */
      email: z
        .object({
          addresses: z
            .array(
              z.object({
                address: z.email({ message: 'is not a valid email address' }).transform((a) => a.toLowerCase()),
                line: z.string().trim().min(1).max(40).optional(),
              }),
            )
            .default([]),
          senders: z.enum(['registered', 'anyone']).default('registered'),
          /** The priority of a ticket opened by email. */
          priority: z.enum(PRIORITIES).default('medium'),
        })
        .default({ addresses: [], senders: 'registered', priority: 'medium' }),
    })
    .superRefine((org, ctx) => {
      const seen = new Map<string, number>();
      org.staff.forEach((s, i) => {
        const first = seen.get(s.id);
        if (first !== undefined) {
          ctx.addIssue({
            code: 'custom',
            path: ['staff', i, 'id'],
            message: `"${s.id}" is used twice (also staff[${first}])`,
          });
        } else seen.set(s.id, i);
      });
      org.on_call.rotation.forEach((id, i) => {
        if (!seen.has(id)) {
          ctx.addIssue({
            code: 'custom',
            path: ['on_call', 'rotation', i],
            message: `"${id}" is not the id of anyone under staff`,
          });
        }
      });
      if (org.on_call.shift === 'weekly' && org.on_call.handoff.weekday === undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['on_call', 'handoff'],
          message: 'a weekly shift needs a day, like "monday 09:00"',
        });
      }
    });
}

export interface StaffMember {
  id: string;
  name: string;
  role: Role;
  phone: string;
  email: string;
  slack?: string;
}

export interface Organisation {
  name: string;
  timezone: string;
  helpdeskNumber: string;
  country: CountryCode;
  language: string;
  voice?: string;
  businessHours: Record<Weekday, Window[]>;
  weekendDays: Weekday[];
  holidays: string[];
  holidayCalendar?: string;
  staff: StaffMember[];
  onCall: {
    rotation: string[];
    shift: (typeof SHIFTS)[number];
    handoff: { weekday?: Weekday; minutes: number };
    /** The local date on which rotation[0] takes the first shift. */
    start: string;
  };
  escalation: { ackTimeoutMs: number; repeat: number };
  emergency: { duplicateWindowMs: number; maxRecordingMs: number };
  /** Key 1: the numbers rung at once (the office staff when empty), and for how long. */
  helpdesk: { forwardTo: string[]; ringTimeoutMs: number };
  /** Per person and channel: the first `burst` pages in a window go at once, the rest as one summary. */
  paging: { burst: number; burstWindowMs: number; hourlyLimit: number; bundling: boolean };
  prompts: Record<string, string>;
  /** Resolution time per priority, in ms. */
  sla: { critical: number; high: number; medium: number; low: number };
  /** Callback windows when they differ from business hours. */
  callbackHours?: Record<Weekday, Window[]>;
  /** Countries whose numbers may be called back; never a premium-rate line. */
  callbackCountries: CountryCode[];
  /** Who receives the monthly after-hours summary (the office staff when empty). */
  billingRecipients: string[];
  /** Email intake (read from IMAP_URL): the helpdesk's addresses with their line, and who may open tickets. */
  email: { addresses: { address: string; line?: string }[]; senders: 'registered' | 'anyone'; priority: Priority };
}

/** Validates a parsed organisation document. Problems name the field, one line each. */
export function parseOrganisation(doc: unknown): { ok: true; value: Organisation } | { ok: false; problems: string[] } {
  const rawCountry = (doc as { organization?: { country?: unknown } } | null)?.organization?.country;
  const country = (
    typeof rawCountry === 'string' && (getCountries() as string[]).includes(rawCountry.toUpperCase())
      ? rawCountry.toUpperCase()
      : 'US'
  ) as CountryCode;
  const result = organisationSchema(country).safeParse(doc, {
    error: (issue) =>
      issue.code === 'invalid_type' && issue.input === undefined
        ? 'is required'
        : issue.code === 'invalid_type'
          ? `must be ${/^[aeiou]/.test(issue.expected) ? 'an' : 'a'} ${issue.expected}`
          : undefined,
  });
  if (!result.success) {
    return {
      ok: false,
      problems: result.error.issues.map((i) => `${fieldPath(i.path) || '(top level)'}: ${i.message}`),
    };
  }
  const o = result.data;
  return {
    ok: true,
    value: {
      name: o.organization.name,
      timezone: o.organization.timezone,
      helpdeskNumber: o.organization.helpdesk_number,
      country,
      language: o.organization.language,
      voice: o.organization.voice,
      businessHours: o.business_hours as Record<Weekday, Window[]>,
      weekendDays: o.weekend_days,
      holidays: o.holidays,
      holidayCalendar: o.holiday_calendar,
      staff: o.staff,
      onCall: {
        rotation: o.on_call.rotation,
        shift: o.on_call.shift,
        handoff: o.on_call.handoff,
        start: o.on_call.start ?? '2024-01-01',
      },
      escalation: { ackTimeoutMs: o.escalation.ack_timeout, repeat: o.escalation.repeat },
      emergency: { duplicateWindowMs: o.emergency.duplicate_window, maxRecordingMs: o.emergency.max_recording },
      helpdesk: { forwardTo: o.helpdesk.forward_to, ringTimeoutMs: o.helpdesk.ring_timeout },
      paging: {
        burst: o.paging.burst,
        burstWindowMs: o.paging.burst_window,
        hourlyLimit: o.paging.hourly_limit,
        bundling: o.paging.bundling,
      },
      prompts: o.prompts,
      sla: o.sla,
      callbackHours: o.callback_hours as Record<Weekday, Window[]> | undefined,
      callbackCountries: (o.callback_countries ?? [country]) as CountryCode[],
      billingRecipients: o.billing.recipients,
      email: o.email,
    },
  };
}
