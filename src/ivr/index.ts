export { twilioRoutes, callStep, callStepOf, incomingCallFastPath } from './routes.js';
export { STEPS } from './steps.js';
export { speechFor, spellDigits, PROMPT_KEYS, type Speech } from './prompts.js';
export { closeStaleCalls, callsOfTicket, startCall, updateCall, type CallRow } from './store.js';
export { CALL_OUTCOMES, type CallOutcome } from './schema.js';
export type { IvrDeps, CallStep } from './context.js';
export { reconcileRecordings } from './reconcile.js';
export { pageForgottenLiveCalls } from './live.js';
export { parseText, staffReply } from './texts.js';
export { callCaller, answerStaff } from './staff-commands.js';
export { dial, sayAndHangUp } from './twiml.js';
export {
  startLineTest,
  runDailyLineTest,
  checkLineTest,
  lineTestState,
  LINE_TEST_KEY,
  LINE_TEST_WAIT_MS,
  type LineTest,
  type LineTestDeps,
} from './line-test.js';
export { workOnTranscripts } from './transcripts.js';
export { transcribeByRecord } from './context.js';
