import { existsSync, readFileSync } from 'node:fs';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { parseEnv, type Env, type Parsed } from './env.js';
import { parseOrganisation, type Organisation } from './organisation.js';
import { DEMO_ORGANISATION } from './demo.js';

export interface Config {
  env: Env;
  organisation: Organisation;
  /** Where the organisation came from: a file path, or "demo". */
  organisationSource: string;
}

const DEFAULT_FILE = './switchboard.yaml';

/** Reads and validates the organisation file; JSON is read as YAML, which it is. */
export function readOrganisationFile(path: string): Parsed<Organisation> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return {
      ok: false,
      problems: [`organisation file ${path}: cannot be read (${code === 'ENOENT' ? 'no such file' : code})`],
    };
  }
  let doc: unknown;
  try {
    doc = parseYaml(text, { prettyErrors: true });
  } catch (err) {
    const where = err instanceof YAMLParseError && err.linePos ? ` at line ${err.linePos[0].line}` : '';
    const reason = err instanceof Error ? err.message.split('\n')[0] : String(err);
    return { ok: false, problems: [`organisation file ${path}: is not valid YAML${where}: ${reason}`] };
  }
  return prefixProblems(parseOrganisation(doc), `organisation file ${path}`);
}

function prefixProblems<T>(parsed: Parsed<T>, prefix: string): Parsed<T> {
  return parsed.ok ? parsed : { ok: false, problems: parsed.problems.map((p) => `${prefix}: ${p}`) };
}

export function loadConfig(source: NodeJS.ProcessEnv): Parsed<Config> {
  const env = parseEnv(source);
  if (!env.ok) return env;
  const path = env.value.SWITCHBOARD_CONFIG ?? (existsSync(DEFAULT_FILE) ? DEFAULT_FILE : undefined);
  const organisation = path
    ? readOrganisationFile(path)
    : prefixProblems(parseOrganisation(DEMO_ORGANISATION), 'demo organisation');
  if (!organisation.ok) return organisation;
  return { ok: true, value: { env: env.value, organisation: organisation.value, organisationSource: path ?? 'demo' } };
}
