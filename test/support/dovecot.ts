import { execFile, spawn } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ImapFlow } from 'imapflow';
import { DOVEADM, DOVECOT } from './prerequisites.js';

const run = promisify(execFile);

/**
 * A private IMAP server from Debian's `dovecot-imapd` package: its own configuration file (nothing of
 * /etc/dovecot is read), its own sockets and state in a temporary folder, one user with a Maildir,
 * listening on 127.0.0.1 at a port of its own, removed by `stop()`. The configuration is Dovecot 2.3's
 * syntax (Debian bookworm); Dovecot 2.4 renamed most of these settings.
 *
 * Dovecot refuses to run mail processes as root, so as root its own processes run as the `dovecot` and
 * `dovenull` users the package creates and the Maildir belongs to `nobody`; otherwise everything runs as
 * the current user.
 */
export interface MailServer {
  readonly host: string;
  /** The IMAP port (plain text: no TLS, as the service's imap:// URLs expect). */
  readonly port: number;
  readonly user: string;
  readonly password: string;
  /** IMAP_URL for the service: imap://user:pass@127.0.0.1:port/INBOX */
  url(folder?: string): string;
  /**
   * Delivers a raw RFC 822 message into the folder (default INBOX) by IMAP APPEND, as a mail server
   * would, and returns its UID. The bytes are kept as they are (a Buffer may hold any charset); a
   * missing folder is created first, as Dovecot's LDA does with lda_mailbox_autocreate.
   */
  deliver(raw: string | Buffer, folder?: string): Promise<number>;
  /** Delivers many messages over one connection (a backlog), in order. */
  deliverMany(raws: (string | Buffer)[], folder?: string): Promise<void>;
  /**
   * Flags of every message in the folder, by UID (to check \Seen). The folder is opened read-only, so
   * looking does not change what the service sees; \Recent is left out, as it belongs to whichever
   * session happened to see the message first.
   */
  flags(folder?: string): Promise<Map<number, Set<string>>>;
  /**
   * Closes every IMAP connection of the user from the server side (doveadm kick), as a server restart
   * or a dropped IDLE would; resolves once Dovecot counts none of them any more.
   */
  kick(): Promise<void>;
  /**
   * Deletes a folder (not INBOX) with its messages, as an administrator rebuilding a mailbox would: the
   * next delivery creates it again with a new UIDVALIDITY, so its UIDs start over.
   */
  dropFolder(folder: string): Promise<void>;
  /** The folder's UIDVALIDITY. */
  uidValidity(folder?: string): Promise<bigint>;
  stop(): Promise<void>;
}

export interface MailServerOptions {
  /** Default 'helpdesk'. */
  user?: string;
  /** Default 'helpdesk-secret'. */
  password?: string;
}

/** Dovecot's master program, when Debian's dovecot-core (pulled in by dovecot-imapd) is installed. */
export function dovecotBinary(): string | undefined {
  return existsSync(DOVECOT) && existsSync(DOVEADM) ? DOVECOT : undefined;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const idOf = async (...args: string[]) => (await run('id', args)).stdout.trim();

/**
 * Who Dovecot's processes run as. Root may not be any of them: as root, the package's `dovecot` (auth,
 * anvil, stats) and `dovenull` (the login process) users, and `nobody` for the mailbox. Without root
 * Dovecot cannot switch users at all, so every one of them is the current user.
 */
async function accounts() {
  const me = userInfo();
  if (me.uid !== 0) {
    return {
      internalUser: me.username,
      internalGroup: await idOf('-gn'),
      loginUser: me.username,
      mailUid: me.uid,
      mailGid: me.gid,
    };
  }
  return {
    internalUser: 'dovecot',
    internalGroup: 'dovecot',
    loginUser: 'dovenull',
    mailUid: Number(await idOf('-u', 'nobody')),
    mailGid: Number(await idOf('-g', 'nobody')),
  };
}

const tail = (text: string, lines: number) => text.trimEnd().split('\n').slice(-lines).join('\n');

export async function startMailServer(options: MailServerOptions = {}): Promise<MailServer> {
  const bin = dovecotBinary();
  if (!bin) throw new Error("Dovecot is not installed: install Debian's dovecot-imapd package (npm test does)");
  const user = options.user ?? 'helpdesk';
  const password = options.password ?? 'helpdesk-secret';
  // The name becomes a folder, a passwd-file key and a doveadm argument; the password travels base64-encoded.
  if (!/^[A-Za-z0-9._-]+$/.test(user)) throw new Error(`Dovecot test user ${JSON.stringify(user)}: use [A-Za-z0-9._-]`);

  const { internalUser, internalGroup, loginUser, mailUid, mailGid } = await accounts();
  const dir = mkdtempSync(join(tmpdir(), 'switchboard-imap-'));
  const conf = join(dir, 'dovecot.conf');
  const log = join(dir, 'dovecot.log');
  const mail = join(dir, 'mail');
  const users = join(dir, 'users');
  mkdirSync(mail);
  // {PLAIN.b64}: any password, colons and all, fits the passwd-file's colon-separated line.
  writeFileSync(users, `${user}:{PLAIN.b64}${Buffer.from(password).toString('base64')}::::::\n`);
  if (userInfo().uid === 0) {
    // The mail processes (nobody) go through the folder to the Maildir, and the auth process (dovecot) reads
    // the passwd-file: set explicitly, whatever root's umask.
    chmodSync(dir, 0o711);
    chmodSync(users, 0o644);
    chownSync(mail, mailUid, mailGid);
  }

  const port = await freePort();
  const settings = `
protocols = imap
listen = 127.0.0.1
base_dir = ${dir}/run
state_dir = ${dir}/state
log_path = ${log}
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
auth_verbose = yes
default_internal_user = ${internalUser}
default_internal_group = ${internalGroup}
default_login_user = ${loginUser}
first_valid_uid = 1
mail_location = maildir:${mail}/%u
# Tests trade durability for speed: an fsync per delivered message costs tenths of a second here.
mail_fsync = never
# IDLE learns of new mail by inotify where the kernel offers it, else by looking this often (default 30 s).
mailbox_idle_check_interval = 1 secs
passdb {
  driver = passwd-file
  args = ${users}
}
userdb {
  driver = static
  args = uid=${mailUid} gid=${mailGid} home=${mail}/%u
}
# A refused login is answered at once, not after 2 s plus a penalty that grows with every failure from
# 127.0.0.1 (that is, from every test).
auth_failure_delay = 0
# chroot needs root, and a throwaway server gains nothing from it.
service anvil {
  chroot =
  unix_listener anvil-auth-penalty {
    mode = 0
  }
}
service imap-login {
  chroot =
  # One login process, started at once and kept: a login process still connecting to the auth process
  # greets with "* OK Waiting for authentication process to respond..", which no real server sends.
  service_count = 0
  process_min_avail = 1
  inet_listener imap {
    address = 127.0.0.1
    port = ${port}
  }
  inet_listener imaps {
    port = 0
  }
}
`;
  writeFileSync(conf, settings.trimStart(), { mode: 0o600 });

  // In the foreground (-F), as a child of this process: its exit is seen at once, and stop() can wait for it.
  const child = spawn(bin, ['-F', '-c', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr = (stderr + d).slice(-4000)));
  const exited = new Promise<string>((resolve) => {
    child.once('error', (err) => resolve(err.message));
    child.once('exit', (code, signal) => resolve(signal ? `killed by ${signal}` : `exit code ${code}`));
  });
  let gone: string | undefined;
  void exited.then((how) => (gone = how));

  const host = '127.0.0.1';
  const session = async <T>(work: (client: ImapFlow) => Promise<T>): Promise<T> => {
    const client = new ImapFlow({
      host,
      port,
      secure: false,
      doSTARTTLS: false,
      auth: { user, pass: password },
      logger: false,
      disableAutoIdle: true,
      connectionTimeout: 5000,
      greetingTimeout: 5000,
    });
    // connect() and the commands reject with the same error; without a listener an 'error' event would throw.
    client.on('error', () => undefined);
    try {
      await client.connect();
    } catch (err) {
      client.close();
      throw err;
    }
    try {
      return await work(client);
    } finally {
      await client.logout().catch(() => client.close());
    }
  };

  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      if (gone === undefined) {
        child.kill('SIGTERM');
        const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(killer);
      }
      // Child processes still closing their files could make one pass fail with ENOTEMPTY.
      if (!process.env.SWITCHBOARD_KEEP_TEST_DIRS) rmSync(dir, { recursive: true, force: true, maxRetries: 10 });
    })());

  // Ready once a login works: the port alone opens before the auth process answers.
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      await session(async () => undefined);
      break;
    } catch (err) {
      if (gone !== undefined || Date.now() > deadline) {
        const why = gone !== undefined ? `exited (${gone})` : `did not accept a login within 10 s (${String(err)})`;
        // A configuration error only reaches stderr; once the log is open, Dovecot writes to both.
        const logText = existsSync(log) ? readFileSync(log, 'utf8') : '';
        await stop();
        throw new Error(`Dovecot ${why}:\n${logText ? tail(logText, 20) : tail(stderr, 20)}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  const doveadm = (...args: string[]) => run(DOVEADM, ['-c', conf, ...args]);
  return {
    host,
    port,
    user,
    password,
    url: (folder = 'INBOX') =>
      `imap://${encodeURIComponent(user)}:${encodeURIComponent(password)}@${host}:${port}/${encodeURIComponent(folder)}`,
    deliver: (raw, folder = 'INBOX') =>
      session(async (client) => {
        if (folder.toUpperCase() !== 'INBOX' && !(await client.list()).some((box) => box.path === folder)) {
          await client.mailboxCreate(folder);
        }
        const appended = await client.append(folder, raw);
        if (!appended || appended.uid === undefined)
          throw new Error(`Dovecot did not report the UID of ${folder}'s new message`);
        return appended.uid;
      }),
    deliverMany: (raws, folder = 'INBOX') =>
      session(async (client) => {
        if (folder.toUpperCase() !== 'INBOX' && !(await client.list()).some((box) => box.path === folder)) {
          await client.mailboxCreate(folder);
        }
        for (const raw of raws) await client.append(folder, raw);
      }),
    flags: (folder = 'INBOX') =>
      session(async (client) => {
        const box = await client.mailboxOpen(folder, { readOnly: true });
        const flags = new Map<number, Set<string>>();
        if (box.exists === 0) return flags;
        for (const message of await client.fetchAll('1:*', { uid: true, flags: true })) {
          flags.set(message.uid, new Set([...(message.flags ?? [])].filter((flag) => flag !== '\\Recent')));
        }
        return flags;
      }),
    dropFolder: (folder) =>
      session(async (client) => {
        if (folder.toUpperCase() === 'INBOX') throw new Error('INBOX cannot be dropped');
        await client.mailboxDelete(folder);
      }),
    uidValidity: (folder = 'INBOX') =>
      session(async (client) => (await client.mailboxOpen(folder, { readOnly: true })).uidValidity),
    async kick() {
      // Exit status 68: nobody was connected, nothing to kick.
      await doveadm('kick', user).catch((err: { code?: number }) => {
        if (err.code !== 68) throw err;
      });
      // doveadm only signals the processes; wait until anvil has seen them go.
      const deadline = Date.now() + 5000;
      const connected = async () =>
        (await doveadm('who', '-1', user)).stdout
          .split('\n')
          .slice(1) // the header
          .some((line) => line.startsWith(`${user} `));
      while (await connected()) {
        if (Date.now() > deadline) throw new Error(`doveadm kick ${user}: connections still open after 5 s`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    stop,
  };
}
