/** The driver's error code, whether drizzle wrapped the error (DrizzleQueryError keeps it as the cause) or not. */
export function errorCode(err: unknown): string | undefined {
  const e = err as { code?: unknown; cause?: { code?: unknown } } | undefined;
  const code = typeof e?.code === 'string' ? e.code : e?.cause?.code;
  return typeof code === 'string' ? code : undefined;
}

/** A unique index refused the row (two requests with the same support code at once). */
export const isUniqueViolation = (err: unknown) =>
  ['SQLITE_CONSTRAINT_UNIQUE', 'SQLITE_CONSTRAINT_PRIMARYKEY', '23505'].includes(errorCode(err) ?? '');

/** A row named another that does not exist (a callback for an unknown client). */
export const isForeignKeyViolation = (err: unknown) =>
  ['SQLITE_CONSTRAINT_FOREIGNKEY', '23503'].includes(errorCode(err) ?? '');

/** What went wrong, in the driver's words: drizzle's wrapper names the whole query, its cause says why. */
export function errorMessage(err: unknown): string {
  const e = err as { message?: unknown; cause?: { message?: unknown } } | undefined;
  const cause = e?.cause?.message;
  if (typeof cause === 'string' && typeof e?.message === 'string' && e.message.startsWith('Failed query')) return cause;
  const text = typeof e?.message === 'string' ? e.message : String(err);
  // Never the values a statement carried (drizzle's message ends with them, on as many lines as they have).
  const params = text.indexOf('\nparams: ');
  return params < 0 ? text : `${text.slice(0, params)}\nparams: [not logged]`;
}
