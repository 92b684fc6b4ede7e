import { z } from 'zod';

/** Which tickets a client's contact sees on the portal: every ticket of their client, or only their own. */
export const PORTAL_VISIBILITIES = ['company', 'own'] as const;
export type PortalVisibility = (typeof PORTAL_VISIBILITIES)[number];

/** `portal:` the clients' portal at /portal. */
export const portal = z
  .object({
    /** company (default): a contact sees every ticket of their client; own: only those they opened or asked for. */
    visibility: z.enum(PORTAL_VISIBILITIES).default('company'),
  })
  .strict()
  .prefault({});
