import type { z } from 'zod';
import type { CountryCode } from 'libphonenumber-js';
import { getCountries } from 'libphonenumber-js';
import { fieldPath, unknownKeyLines, unknownKeysText } from './fields.js';
import { crossSectionChecks } from './organisation/cross-checks.js';
import { organisationFile, type OrganisationFile } from './organisation/file.js';
import { targetsOf } from './organisation/support-levels.js';

export { ROLES, type Role, type StaffMember } from './organisation/staff.js';
export { SHIFTS, type OnCallRotation } from './organisation/on-call.js';
export { UNVERIFIED_POLICIES, type UnverifiedPolicy } from './organisation/email.js';
export { lineProblem } from './organisation/service-lines.js';
export { PORTAL_VISIBILITIES, type PortalVisibility } from './organisation/portal.js';
export {
  PRIORITIES,
  AFTER_HOURS,
  supportLevelOf,
  type Priority,
  type AfterHoursEntitlement,
} from './organisation/support-levels.js';

/** The organisation file checked as a whole and put together as the one value the code uses. */
function organisationSchema(country: CountryCode) {
  return organisationFile(country).superRefine(crossSectionChecks).transform(assemble);
}

export type Organisation = z.output<ReturnType<typeof organisationSchema>>;
/** A team with its own people on call (software support, network operations…). Empty: one line. */
export type ServiceLine = Organisation['serviceLines'][number];
/** A contract level: its SLA targets and what it says of emergencies outside business hours. */
export type SupportLevel = Organisation['supportLevels'][number];

/** The sections, already in the code's shape, under the code's names; what one takes from another is filled in here. */
function assemble(file: OrganisationFile) {
  const { emergency, sla } = file;
  // A line's own address is one of the helpdesk's addresses, for that line (unless listed there already).
  const lineAddresses = file.service_lines
    .filter((l) => l.email && !file.email.addresses.some((a) => a.address === l.email))
    .map((l) => ({ address: l.email!, line: l.id }));
  return {
    ...file.organization,
    businessHours: file.business_hours,
    weekendDays: file.weekend_days,
    holidays: file.holidays,
    holidayCalendar: file.holiday_calendar,
    staff: file.staff,
    onCall: file.on_call,
    escalation: file.escalation,
    emergency,
    helpdesk: file.helpdesk,
    paging: file.paging,
    prompts: file.prompts,
    sla,
    callbackHours: file.callback_hours,
    callbackCountries: file.callback_countries,
    billingRecipients: file.billing,
    email: { ...file.email, addresses: [...file.email.addresses, ...lineAddresses] },
    portal: file.portal,
    serviceLines: file.service_lines.map((line) => ({
      ...line,
      liveConnect: line.liveConnect ?? emergency.liveConnect,
    })),
    supportLevels: file.support_levels.map((level) => ({ ...level, sla: targetsOf(level.sla, sla) })),
    selfTest: file.self_test,
  };
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
  return { ok: true, value: result.data };
}
