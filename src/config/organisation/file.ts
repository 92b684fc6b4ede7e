import { z } from 'zod';
import type { CountryCode } from 'libphonenumber-js';
import { businessHours, holidayCalendar, holidays, weekendDays } from './calendar.js';
import { callbackCountries, emergency, helpdesk, prompts, selfTest } from './calls.js';
import { email } from './email.js';
import { rotation } from './on-call.js';
import { organization } from './organization.js';
import { portal } from './portal.js';
import { escalation, paging } from './paging.js';
import { serviceLine } from './service-lines.js';
import { staffMember } from './staff.js';
import { billingRecipients, sla, supportLevels } from './support-levels.js';

/**
 * The organisation file, section by section in the order the README gives them (an unknown key's
 * message lists the known ones in this order). Each section is already in the shape the code uses;
 * what ties sections together is checked and put together in ../organisation.ts.
 */
export const organisationFile = (country: CountryCode) =>
  z
    .object({
      organization: organization(country),
      business_hours: businessHours.prefault({}),
      weekend_days: weekendDays,
      holidays,
      holiday_calendar: holidayCalendar,
      staff: z.array(staffMember(country)).min(1, 'must list at least one person'),
      on_call: rotation,
      escalation,
      emergency,
      helpdesk: helpdesk(country),
      paging,
      prompts,
      sla,
      /** When the office returns calls, if not in business hours. */
      callback_hours: businessHours.optional(),
      callback_countries: callbackCountries(country),
      billing: billingRecipients,
      email,
      portal,
      service_lines: z.array(serviceLine).default(() => []),
      support_levels: supportLevels,
      self_test: selfTest(country),
    })
    .strict();

export type OrganisationFile = z.output<ReturnType<typeof organisationFile>>;
