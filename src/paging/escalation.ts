/** Who a step reaches, and how. */
export interface StepSend {
  who: 'everyone' | 'on_call' | 'architects';
  channels: readonly ('sms' | 'email' | 'voice')[];
}

export interface EscalationPolicy {
  ackTimeoutMs: number;
  /** Rounds of the steps below. */
  repeat: number;
}

export type StepDecision =
  | { kind: 'send'; label: string; sends: StepSend[]; step: number; nextAt: Date }
  | { kind: 'stop'; why: 'acknowledged' };

/**
 * The policy, one step after each ack_timeout without an acknowledgement: page everyone again and
 * phone the on-call engineer, then phone the architects; repeated `repeat` times.
 */
const STEPS: { label: string; sends: StepSend[] }[] = [
  {
    label: 'paged again and phoned the on-call engineer',
    sends: [
      { who: 'everyone', channels: ['sms', 'email'] },
      { who: 'on_call', channels: ['voice'] },
    ],
  },
  { label: 'phoned the architects', sends: [{ who: 'architects', channels: ['voice'] }] },
];

/**
 * One escalation step, as a pure function of where the schedule stands: what to send now and when to
 * look again, or that it stops because someone took the ticket. An unacknowledged emergency is never
 * left with nobody paged: once every round has been tried, the last step repeats each ack_timeout.
 */
export function escalationStep(
  state: { step: number; unacknowledged: boolean },
  policy: EscalationPolicy,
  now: Date,
): StepDecision {
  if (!state.unacknowledged) return { kind: 'stop', why: 'acknowledged' };
  const rounds = STEPS.length * Math.max(1, policy.repeat);
  const plan = state.step >= rounds ? STEPS[STEPS.length - 1]! : STEPS[state.step % STEPS.length]!;
  return {
    kind: 'send',
    label: plan.label,
    sends: plan.sends,
    step: state.step + 1,
    nextAt: new Date(now.getTime() + policy.ackTimeoutMs),
  };
}
