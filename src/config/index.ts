export { loadConfig, readOrganisationFile, type Config } from './load.js';
export { parseEnv, mailboxOf, type Env, type MailboxTarget, type Parsed } from './env.js';
export {
  parseOrganisation,
  supportLevelOf,
  lineProblem,
  ROLES,
  PRIORITIES,
  AFTER_HOURS,
  UNVERIFIED_POLICIES,
  PORTAL_VISIBILITIES,
  type PortalVisibility,
  type UnverifiedPolicy,
  type AfterHoursEntitlement,
  type ServiceLine,
  type SupportLevel,
  type OnCallRotation,
  type Priority,
  type Role,
  type Organisation,
  type StaffMember,
} from './organisation.js';
export {
  WEEKDAYS,
  normalisePhone,
  callerIdOf,
  parseDuration,
  formatWindow,
  fieldPath,
  unknownKeysText,
  unknownKeyLines,
  type Weekday,
  type Window,
} from './fields.js';
export { canText, mayDial, mayReplyTo, numberInfo } from './numbers.js';
