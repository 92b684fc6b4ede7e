import { z } from 'zod';
import type { CountryCode } from 'libphonenumber-js';
import { getCountries } from 'libphonenumber-js';
import {
  WEEKDAYS,
  dayWindows,
  fieldPath,
  unknownKeyLines,
  unknownKeysText,
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
/** What a support level says of emergencies outside business hours. */
export const AFTER_HOURS = ['included', 'billable', 'none'] as const;
/** What becomes of mail from a registered address whose sender is not proven: held for staff, dropped, or taken marked. */
export const UNVERIFIED_POLICIES = ['quarantine', 'refuse', 'accept'] as const;
export type UnverifiedPolicy = (typeof UNVERIFIED_POLICIES)[number];
export type AfterHoursEntitlement = (typeof AFTER_HOURS)[number];

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
  const staffMember = z
    .object({
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
      /** A phone that cannot take texts: pages come as voice calls. */
      landline: z.boolean().default(false),
    })
    .strict();

  const rotation = z
    .object({
      rotation: z.array(z.string()).min(1, 'must name at least one staff id'),
      shift: z.enum(SHIFTS, { message: `must be one of ${SHIFTS.join(', ')}` }).default('weekly'),
      handoff: handoff.default({ weekday: 'monday', minutes: 9 * 60 }),
      start: isoDate.optional(),
    })
    .strict();

  const slaTargets = z
    .object({
      critical: duration.optional(),
      high: duration.optional(),
      medium: duration.optional(),
      low: duration.optional(),
    })
    .strict();

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
      organization: z
        .object({
          name: z.string().trim().min(1),
          timezone: timeZone,
          helpdesk_number: phone(country),
          country: countryCode.optional(),
          language: z.string().trim().min(2).default('en-US'),
          voice: z.string().trim().min(1).optional(),
        })
        .strict(),
      business_hours: businessHours.default(Object.fromEntries(WEEKDAYS.map((d) => [d, []])) as never),
      weekend_days: z.array(z.enum(WEEKDAYS)).default(['saturday', 'sunday']),
      holidays: z.array(isoDate).default([]),
      holiday_calendar: countryCode.optional(),
      staff: z.array(staffMember).min(1, 'must list at least one person'),
      on_call: rotation,
      escalation: z
        .object({
          ack_timeout: duration.default(10 * 60_000),
          repeat: z.number().int().min(0).max(20).default(3),
        })
        .strict()
        .default({ ack_timeout: 10 * 60_000, repeat: 3 }),
      emergency: z
        .object({
          duplicate_window: duration.default(4 * 3_600_000),
          max_recording: duration.default(180_000),
          live_connect: z.boolean().default(false),
        })
        .strict()
        .default({ duplicate_window: 4 * 3_600_000, max_recording: 180_000, live_connect: false }),
      helpdesk: z
        .object({ forward_to: z.array(phone(country)).default([]), ring_timeout: duration.default(25_000) })
        .strict()
        .default({ forward_to: [], ring_timeout: 25_000 }),
      paging: z
        .object({
          burst: z.number().int().min(1).max(100).default(3),
          burst_window: duration.default(60_000),
          hourly_limit: z.number().int().min(1).max(1000).default(30),
          bundling: z.boolean().default(true),
        })
        .strict()
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
        .strict()
        .default({ recipients: [] }),
      /** Email intake: the helpdesk's own addresses (all delivered to IMAP_URL's mailbox) and who may open tickets. */
      email: z
        .object({
          addresses: z
            .array(
              z
                .object({
                  address: z.email({ message: 'is not a valid email address' }).transform((a) => a.toLowerCase()),
                  line: z.string().trim().min(1).max(40).optional(),
                })
                .strict(),
            )
            .default([]),
          senders: z.enum(['registered', 'anyone']).default('registered'),
          /** The priority of a ticket opened by email. */
          priority: z.enum(PRIORITIES).default('medium'),
          /** How a From address is believed: the receiving server's verdict (trust), or DKIM and DMARC checked here. */
          authentication: z
            .object({
              trust: z
                .string()
                .trim()
                .regex(/^[^\s;]{1,255}$/, 'must be the authserv-id of your mail server, e.g. mx.example.com')
                .optional(),
              unverified: z.enum(UNVERIFIED_POLICIES).default('quarantine'),
            })
            .strict()
            .default({ unverified: 'quarantine' }),
        })
        .strict()
        .default({
          addresses: [],
          senders: 'registered',
          priority: 'medium',
          authentication: { unverified: 'quarantine' },
        }),
      /** Teams with their own people on call (software, network operations…); without it, one line. */
      service_lines: z
        .array(
          z
            .object({
              id: z
                .string()
                .trim()
                .regex(/^[a-z0-9_-]{1,40}$/, 'must be lower-case letters, digits, dash or underscore'),
              name: z.string().trim().min(1).max(80),
              on_call: rotation,
              architects: z.array(z.string()).optional(),
              slack_channel: z.string().trim().min(1).optional(),
              email: z.email({ message: 'is not a valid email address' }).optional(),
              live_connect: z.boolean().optional(),
            })
            .strict(),
        )
        .default([]),
      /** Contract levels: each sets its SLA targets and whether after-hours emergencies are included. */
      support_levels: z
        .record(
          z.string().regex(/^[A-Za-z0-9_-]{1,40}$/, 'level names are letters, digits, dash or underscore'),
          z
            .object({
              after_hours_emergency: z
                .enum(AFTER_HOURS, { message: `must be one of ${AFTER_HOURS.join(', ')}` })
                .default('included'),
              sla: slaTargets.optional(),
            })
            .strict(),
        )
        .default({}),
      /** A daily call from a second number to the helpdesk line, to prove it reaches Switchboard. */
      self_test: z
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
        .strict()
        .optional(),
    })
    .strict()
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
      const checkRotation = (r: typeof org.on_call, path: (string | number)[]) => {
        r.rotation.forEach((id, i) => {
          if (!seen.has(id))
            ctx.addIssue({
              code: 'custom',
              path: [...path, 'rotation', i],
              message: `"${id}" is not the id of anyone under staff`,
            });
        });
        if (r.shift === 'weekly' && r.handoff.weekday === undefined)
          ctx.addIssue({
            code: 'custom',
            path: [...path, 'handoff'],
            message: 'a weekly shift needs a day, like "monday 09:00"',
          });
      };
      checkRotation(org.on_call, ['on_call']);
      const lines = new Set<string>();
      org.service_lines.forEach((line, i) => {
        if (lines.has(line.id))
          ctx.addIssue({ code: 'custom', path: ['service_lines', i, 'id'], message: `"${line.id}" is used twice` });
        lines.add(line.id);
        checkRotation(line.on_call, ['service_lines', i, 'on_call']);
        line.architects?.forEach((id, j) => {
          if (!seen.has(id))
            ctx.addIssue({
              code: 'custom',
              path: ['service_lines', i, 'architects', j],
              message: `"${id}" is not the id of anyone under staff`,
            });
        });
      });
      // Calls from the test number are greeted as test calls and never logged or paged: it must be nobody's phone.
      const testFrom = org.self_test?.from;
      const owner = org.staff.find((s) => s.phone === testFrom);
      if (testFrom && owner)
        ctx.addIssue({
          code: 'custom',
          path: ['self_test', 'from'],
          message: `"${testFrom}" is also the phone of ${owner.name} (staff); the line test needs a number nobody calls from`,
        });
      else if (testFrom && testFrom === org.organization.helpdesk_number)
        ctx.addIssue({
          code: 'custom',
          path: ['self_test', 'from'],
          message: `"${testFrom}" is the helpdesk number itself; the line test needs a second number`,
        });
      if (lines.size)
        org.email.addresses.forEach((a, i) => {
          if (a.line && !lines.has(a.line))
            ctx.addIssue({
              code: 'custom',
              path: ['email', 'addresses', i, 'line'],
              message: `"${a.line}" is not the id of a service line (${[...lines].join(', ')})`,
            });
        });
    });
}

export interface StaffMember {
  id: string;
  name: string;
  role: Role;
  phone: string;
  email: string;
  slack?: string;
  /** Pages come as voice calls: the phone takes no texts. */
  landline: boolean;
}

export interface OnCallRotation {
  rotation: string[];
  shift: (typeof SHIFTS)[number];
  handoff: { weekday?: Weekday; minutes: number };
  /** The local date on which rotation[0] takes the first shift. */
  start: string;
}

/** A team with its own people on call (software support, network operations…). */
export interface ServiceLine {
  id: string;
  name: string;
  onCall: OnCallRotation;
  /** The architects paged for this line's emergencies (default: every architect). */
  architects?: string[];
  slackChannel?: string;
  email?: string;
  liveConnect: boolean;
}

/** A contract level: its SLA targets and what it says of emergencies outside business hours. */
export interface SupportLevel {
  name: string;
  afterHoursEmergency: AfterHoursEntitlement;
  sla: { critical: number; high: number; medium: number; low: number };
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
  onCall: OnCallRotation;
  escalation: { ackTimeoutMs: number; repeat: number };
  emergency: { duplicateWindowMs: number; maxRecordingMs: number; liveConnect: boolean };
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
  email: {
    addresses: { address: string; line?: string }[];
    senders: 'registered' | 'anyone';
    priority: Priority;
    authentication: { trust?: string; unverified: UnverifiedPolicy };
  };
  /** Empty: one line, as before service lines existed. */
  serviceLines: ServiceLine[];
  /** In the file's order; the first is a client's level unless it has another. Empty: one level, the organisation's SLA. */
  supportLevels: SupportLevel[];
  /** The daily test call of the helpdesk line, at a local time, from a second number. */
  selfTest?: { atMinutes: number; from: string };
}

/**
 * A contract's support level by name: the named one, else the first listed (a client without a level,
 * an unidentified caller); undefined when the organisation defines no levels.
 */
export function supportLevelOf<L extends { name: string }>(
  levels: readonly L[],
  name: string | null | undefined,
): L | undefined {
  return levels.find((l) => l.name === name) ?? levels[0];
}

/** Why a service line id cannot be used (undefined when it can): one wording for the API and the dashboard. */
export function lineProblem(known: readonly string[], id: string): string | undefined {
  if (known.includes(id)) return undefined;
  return known.length
    ? `"${id}" is not a service line (${known.join(', ')})`
    : 'the organisation file defines no service_lines';
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
      issue.code === 'unrecognized_keys'
        ? unknownKeysText(issue, 'setting')
        : issue.code === 'invalid_type' && issue.input === undefined
          ? 'is required'
          : issue.code === 'invalid_type'
            ? `must be ${/^[aeiou]/.test(issue.expected) ? 'an' : 'a'} ${issue.expected}`
            : undefined,
  });
  if (!result.success) {
    return {
      ok: false,
      problems: result.error.issues.flatMap((i) =>
        i.code === 'unrecognized_keys'
          ? unknownKeyLines(i.message).map(([path, message]) => `${path}: ${message}`)
          : [`${fieldPath(i.path) || '(top level)'}: ${i.message}`],
      ),
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
      onCall: rotationOf(o.on_call),
      escalation: { ackTimeoutMs: o.escalation.ack_timeout, repeat: o.escalation.repeat },
      emergency: {
        duplicateWindowMs: o.emergency.duplicate_window,
        maxRecordingMs: o.emergency.max_recording,
        liveConnect: o.emergency.live_connect,
      },
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
      // A line's own address is one of the helpdesk's addresses, for that line (unless listed there already).
      email: {
        ...o.email,
        addresses: [
          ...o.email.addresses,
          ...o.service_lines
            .filter((l) => l.email && !o.email.addresses.some((a) => a.address === l.email!.toLowerCase()))
            .map((l) => ({ address: l.email!.toLowerCase(), line: l.id })),
        ],
      },
      serviceLines: o.service_lines.map((l) => ({
        id: l.id,
        name: l.name,
        onCall: rotationOf(l.on_call),
        architects: l.architects,
        slackChannel: l.slack_channel,
        email: l.email?.toLowerCase(),
        liveConnect: l.live_connect ?? o.emergency.live_connect,
      })),
      supportLevels: Object.entries(o.support_levels).map(([name, level]) => ({
        name,
        afterHoursEmergency: level.after_hours_emergency,
        sla: { ...o.sla, ...Object.fromEntries(Object.entries(level.sla ?? {}).filter(([, v]) => v !== undefined)) },
      })),
      selfTest: o.self_test ? { atMinutes: o.self_test.at, from: o.self_test.from } : undefined,
    },
  };
}

function rotationOf(r: {
  rotation: string[];
  shift: OnCallRotation['shift'];
  handoff: OnCallRotation['handoff'];
  start?: string;
}): OnCallRotation {
  return { rotation: r.rotation, shift: r.shift, handoff: r.handoff, start: r.start ?? '2024-01-01' };
}
