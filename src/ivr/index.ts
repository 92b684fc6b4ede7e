export { twilioRoutes, callStep, incomingCallFastPath } from './routes.js';
export { speechFor, spellDigits, PROMPT_KEYS, type Speech } from './prompts.js';
export { closeStaleCalls, type CallRow } from './calls.js';
export { CALL_OUTCOMES, type CallOutcome } from './schema.js';
export type { IvrDeps, CallStep } from './context.js';
export { reconcileRecordings } from './reconcile.js';
export { callsOfTicket, startCall, updateCall } from './calls.js';
export { dial, sayAndHangUp } from './twiml.js';
export { connectToCustomer, endConnection, type Connection, type ConnectDeps } from './connect.js';
