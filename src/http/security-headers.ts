import type { IncomingMessage, ServerResponse } from 'node:http';
import helmet from 'helmet';
import type { RequestHandler } from 'express';

/**
 * helmet's headers for every route: a strict default that pages built here (acknowledgement links,
 * the dashboard, which sets its own policy) work within. HSTS only when the service is reached over https.
 */
export function securityHeaders(https: boolean): RequestHandler {
  return helmet({
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        upgradeInsecureRequests: null,
      },
    },
    strictTransportSecurity: https,
  });
}

/** The same headers as a fixed list, for the incoming-call fast path that answers before Express. */
export function securityHeaderList(https: boolean): [string, string][] {
  const headers = new Map<string, string>();
  const res = {
    setHeader: (name: string, value: string | number | readonly string[]) => headers.set(name, String(value)),
    removeHeader: (name: string) => headers.delete(name),
  } as unknown as ServerResponse;
  securityHeaders(https)({} as IncomingMessage as never, res as never, () => undefined);
  return [...headers.entries()];
}
