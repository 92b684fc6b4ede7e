export {
  saveAccount,
  signIn,
  signOut,
  typedEmail,
  startSession,
  sessionOf,
  staffOfAccount,
  can,
  newAccountSchema,
  CAN,
  SESSION_MS,
  MAX_FAILED_SIGN_INS,
  LOCKOUT_MS,
  type Account,
  type Permission,
  type SignIn,
} from './accounts.js';
export { ACCOUNT_ROLES, type AccountRole } from './schema.js';
