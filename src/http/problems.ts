/** Outcomes a user can cause: answered with a clear message, never a 500. */
export const PROBLEM_KINDS = ['invalid', 'not_found', 'conflict', 'unauthorized', 'forbidden', 'too_large'] as const;
export type ProblemKind = (typeof PROBLEM_KINDS)[number];

export interface Problem {
  kind: ProblemKind;
  code: string;
  message: string;
  fields?: Record<string, string>;
}

export type Outcome<T> = { ok: true; value: T } | { ok: false; problem: Problem };

export const ok = <T>(value: T): Outcome<T> => ({ ok: true, value });
export const fail = (
  kind: ProblemKind,
  code: string,
  message: string,
  fields?: Record<string, string>,
): Outcome<never> => ({
  ok: false,
  problem: { kind, code, message, ...(fields ? { fields } : {}) },
});

export const STATUS_OF: Record<ProblemKind, number> = {
  invalid: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  too_large: 413,
};
