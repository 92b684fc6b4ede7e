import { z } from 'zod';
import { duration, reshape } from '../fields.js';

/** Ticket priorities, most urgent first; the organisation's SLA targets are given per priority. */
export const PRIORITIES = ['critical', 'high', 'medium', 'low'] as const;
export type Priority = (typeof PRIORITIES)[number];
/** What a support level says of emergencies outside business hours. */
export const AFTER_HOURS = ['included', 'billable', 'none'] as const;
export type AfterHoursEntitlement = (typeof AFTER_HOURS)[number];

const HOUR = 3_600_000;

/** `sla:` resolution time per priority, in ms; Critical runs around the clock, the others in business time. */
export const sla = z
  .object({
    critical: duration.default(4 * HOUR),
    high: duration.default(24 * HOUR),
    medium: duration.default(48 * HOUR),
    low: duration.default(72 * HOUR),
  })
  .strict()
  .prefault({});

/** A level's own targets; those it leaves out are the organisation's `sla`. */
const levelTargets = z
  .object({
    critical: duration.optional(),
    high: duration.optional(),
    medium: duration.optional(),
    low: duration.optional(),
  })
  .strict();

/** A level's targets, each it does not set taken from the organisation's. */
export function targetsOf(own: z.output<typeof levelTargets> | undefined, organisation: z.output<typeof sla>) {
  return {
    critical: own?.critical ?? organisation.critical,
    high: own?.high ?? organisation.high,
    medium: own?.medium ?? organisation.medium,
    low: own?.low ?? organisation.low,
  };
}

/**
 * `support_levels:` contract levels, in the file's order; the first is a client's level unless it has
 * another. Empty: one level, the organisation's SLA.
 */
export const supportLevels = reshape(
  z.record(
    z.string().regex(/^[A-Za-z0-9_-]{1,40}$/, 'level names are letters, digits, dash or underscore'),
    z
      .object({
        after_hours_emergency: z
          .enum(AFTER_HOURS, { message: `must be one of ${AFTER_HOURS.join(', ')}` })
          .default('included'),
        sla: levelTargets.optional(),
      })
      .strict(),
  ),
  (levels) =>
    Object.entries(levels).map(([name, level]) => ({
      name,
      afterHoursEmergency: level.after_hours_emergency,
      sla: level.sla,
    })),
).prefault({});

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

/** `billing:` who receives the monthly after-hours summary (the office staff when empty). */
export const billingRecipients = reshape(
  z.object({ recipients: z.array(z.email({ message: 'is not a valid email address' })).default(() => []) }).strict(),
  (b) => b.recipients,
).prefault({});
