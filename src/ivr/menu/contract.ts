import { clientById } from '../../clients/index.js';
import { supportLevelOf, type ServiceLine, type SupportLevel } from '../../config/index.js';
import type { IvrDeps } from '../context.js';

/**
 * What a caller's contract says, read once: its support level (the first listed for an unknown caller)
 * and the service lines it covers (every line for an unknown caller). Without levels or lines in the
 * organisation file there is nothing to read.
 */
export async function contractOf(
  deps: IvrDeps,
  clientId: number | null | undefined,
): Promise<{ level?: SupportLevel; lines: ServiceLine[] }> {
  const org = deps.organisation;
  const client =
    clientId && (org.supportLevels.length || org.serviceLines.length)
      ? await clientById(deps.db.q, clientId)
      : undefined;
  const covered = client?.lines;
  return {
    level: supportLevelOf(org.supportLevels, client?.level),
    lines: covered ? org.serviceLines.filter((l) => covered.includes(l.id)) : org.serviceLines,
  };
}
