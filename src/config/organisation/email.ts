import { z } from 'zod';
import { PRIORITIES } from './support-levels.js';

/** What becomes of mail from a registered address whose sender is not proven: held for staff, dropped, or taken marked. */
export const UNVERIFIED_POLICIES = ['quarantine', 'refuse', 'accept'] as const;
export type UnverifiedPolicy = (typeof UNVERIFIED_POLICIES)[number];

/** An address as the helpdesk compares them: lower case. */
export const emailAddress = z.email({ message: 'is not a valid email address' }).transform((a) => a.toLowerCase());

/**
 * `email:` intake from IMAP_URL's mailbox: the helpdesk's own addresses with their line, and who may
 * open tickets. Each service line's own address joins `addresses` with the rest of the file.
 */
export const email = z
  .object({
    addresses: z
      .array(z.object({ address: emailAddress, line: z.string().trim().min(1).max(40).optional() }).strict())
      .default(() => []),
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
      .prefault({}),
  })
  .strict()
  .prefault({});
