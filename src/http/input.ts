import express, { type RequestHandler } from 'express';

/**
 * U+0000 is taken out of everything the service is sent: PostgreSQL's text cannot hold it (a statement
 * carrying one fails), and nobody types it. Both engines get the same input.
 */
const NUL = '\u0000';

function holdsNul(value: unknown): boolean {
  if (typeof value === 'string') return value.includes(NUL);
  if (Array.isArray(value)) return value.some(holdsNul);
  if (value && typeof value === 'object')
    return Object.entries(value).some(([key, v]) => key.includes(NUL) || holdsNul(v));
  return false;
}

function stripped(value: unknown): unknown {
  if (typeof value === 'string') return value.replaceAll(NUL, '');
  if (Array.isArray(value)) return value.map(stripped);
  if (value && typeof value === 'object')
    // fromEntries defines each key as the object's own (a "__proto__" key stays a key).
    return Object.fromEntries(Object.entries(value).map(([key, v]) => [key.replaceAll(NUL, ''), stripped(v)]));
  return value;
}

/** A parsed input (a JSON body, a form, a Slack payload) without U+0000 in any string or key; unchanged when it has none. */
export function withoutNul<T>(value: T): T {
  return holdsNul(value) ? (stripped(value) as T) : value;
}

/** Takes U+0000 out of the body a parser before it read. */
export const bodyWithoutNul: RequestHandler = (req, _res, next) => {
  if (req.body !== undefined) req.body = withoutNul(req.body);
  next();
};

/**
 * `%00` taken out of the path and query string before routing, so route parameters and the query
 * parser never see U+0000. `req.originalUrl` keeps what was sent (Twilio's signature is checked over it).
 */
export const urlWithoutNul: RequestHandler = (req, _res, next) => {
  // Again until none is left: taking one out of "%%0000" makes another.
  while (req.url.includes('%00')) req.url = req.url.replaceAll('%00', '');
  next();
};

/** express.json, then U+0000 taken out. */
export const jsonBody = (options: Parameters<typeof express.json>[0]): RequestHandler[] => [
  express.json(options),
  bodyWithoutNul,
];

/** express.urlencoded, then U+0000 taken out (not for Twilio's webhooks: their signature covers the raw form). */
export const formBody = (options: Parameters<typeof express.urlencoded>[0]): RequestHandler[] => [
  express.urlencoded(options),
  bodyWithoutNul,
];
