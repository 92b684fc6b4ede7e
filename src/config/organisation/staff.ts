import { z } from 'zod';
import type { CountryCode } from 'libphonenumber-js';
import { phone } from '../fields.js';

export const ROLES = ['engineer', 'architect', 'office'] as const;
export type Role = (typeof ROLES)[number];

/** One person under `staff:`. */
export const staffMember = (country: CountryCode) =>
  z
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
      /** "You're on call now" by SMS and email at each hand-off to this person (false: none). */
      handoff_notice: z.boolean().default(true),
    })
    .strict();

export type StaffMember = z.output<ReturnType<typeof staffMember>>;
