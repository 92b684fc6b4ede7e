/**
 * npm run user:add -- --email olive@example.com --name "Olive Office" --role office
 * Creates a dashboard account (or resets its password). The password is read from the
 * SWITCHBOARD_PASSWORD environment variable, or asked for on the terminal without echo.
 */
import { parseArgs } from 'node:util';
import { createInterface } from 'node:readline';
import { parseEnv } from '../config/index.js';
import { describeDatabase, errorMessage, openDatabase } from '../db/index.js';
import { ACCOUNT_ROLES, newAccountSchema, saveAccount } from '../auth/index.js';

const USAGE = `Usage: npm run user:add -- --email EMAIL --name "FULL NAME" --role ROLE
  ROLE is one of: ${ACCOUNT_ROLES.join(', ')}
  The password comes from SWITCHBOARD_PASSWORD, or is asked for (twice) on the terminal.`;

function ask(question: string, hidden: boolean): Promise<string> {
  return new Promise((resolve) => {
    const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: process.stdin.isTTY });
    if (hidden && process.stdin.isTTY) {
      // Echo nothing while the password is typed.
      (rl as unknown as { _writeToOutput: (s: string) => void })._writeToOutput = (s: string) => {
        if (s.startsWith(question)) process.stdout.write(question);
      };
    }
    rl.question(question, (answer) => {
      rl.close();
      if (hidden && process.stdin.isTTY) process.stdout.write('\n');
      resolve(answer);
    });
  });
}

async function main(): Promise<number> {
  let args;
  try {
    args = parseArgs({
      options: {
        email: { type: 'string' },
        name: { type: 'string' },
        role: { type: 'string' },
        help: { type: 'boolean' },
      },
    }).values;
  } catch (err) {
    console.error(`${(err as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (args.help) {
    console.log(USAGE);
    return 0;
  }
  let password = process.env.SWITCHBOARD_PASSWORD;
  if (password === undefined) {
    password = await ask('Password: ', true);
    if (process.stdin.isTTY && (await ask('Again: ', true)) !== password) {
      console.error('The two passwords differ; nothing was saved.');
      return 1;
    }
  }
  const given: Record<string, unknown> = { email: args.email, name: args.name, role: args.role, password };
  const input = newAccountSchema.safeParse(given);
  if (!input.success) {
    for (const issue of input.error.issues) {
      const field = String(issue.path[0] ?? 'input');
      console.error(`${field}: ${given[field] === undefined ? 'is required' : issue.message}`);
    }
    console.error(`\n${USAGE}`);
    return 2;
  }
  const env = parseEnv(process.env);
  if (!env.ok) {
    for (const p of env.problems) console.error(p);
    return 1;
  }
  const where = describeDatabase(env.value.database);
  const db = openDatabase(env.value.database);
  try {
    await db.migrate();
    const { account, created } = await saveAccount(db, input.data, new Date());
    console.log(
      `${created ? 'Created' : 'Updated'} ${account.role} account ${account.email} (${account.name}) in ${where}. Sign in at ${env.value.publicUrl}/dashboard`,
    );
  } catch (err) {
    console.error(`The database ${where} cannot be opened or migrated: ${errorMessage(err)}`);
    return 1;
  } finally {
    await db.close();
  }
  return 0;
}

void main().then((code) => process.exit(code));
