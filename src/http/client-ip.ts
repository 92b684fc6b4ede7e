import type { Request } from 'express';

/**
 * The address a request came from: the header a trusted proxy sets (CLIENT_IP_HEADER, e.g. Fly's
 * fly-client-ip) when configured, else the socket's peer. Never X-Forwarded-For on trust alone.
 */
export function clientIp(req: Request, header: string | undefined): string {
  const fromProxy = header ? req.get(header)?.split(',')[0]?.trim() : undefined;
  return (fromProxy || req.socket.remoteAddress || 'unknown').slice(0, 64);
}
