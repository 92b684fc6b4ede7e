import { z } from 'zod';
import { getCountries, type CountryCode } from 'libphonenumber-js';
import { phone, reshape, timeZone } from '../fields.js';

/** A two-letter country code such as US, in any case. */
export const countryCode = z
  .string()
  .toUpperCase()
  .refine((c): c is CountryCode => (getCountries() as string[]).includes(c), {
    error: (iss) => `"${String(iss.input)}" is not a two-letter country code such as US or IT`,
  });

/**
 * `organization:` who the helpdesk is. `country` is the one its phone numbers are read in, taken from
 * this section before the rest of the file is read (US when the file names none).
 */
export const organization = (country: CountryCode) =>
  reshape(
    z
      .object({
        name: z.string().trim().min(1),
        timezone: timeZone,
        helpdesk_number: phone(country),
        country: countryCode.optional(),
        language: z.string().trim().min(2).default('en-US'),
        voice: z.string().trim().min(1).optional(),
      })
      .strict(),
    (o) => ({
      name: o.name,
      timezone: o.timezone,
      helpdeskNumber: o.helpdesk_number,
      country,
      language: o.language,
      voice: o.voice,
    }),
  );
