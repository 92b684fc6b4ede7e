import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import pLimit from 'p-limit';

/**
 * Passwords are hashed with scrypt, a memory-hard function (N = 2^15, r = 8: 32 MiB per hash), so
 * a stolen database is slow and costly to attack with GPUs. The parameters are stored with each hash,
 * so they can be raised later without invalidating old ones.
 */
const PARAMS = { N: 2 ** 15, r: 8, p: 1 };
const KEY_LENGTH = 32;

/**
 * scrypt runs on libuv's thread pool (4 threads by default), which the paging code's DNS lookups share:
 * a sign-in flood must not take all of it. So at most 2 hashes run at once, and once MAX_WAITING_HASHES
 * are queued a check is refused at once ('busy') instead of queueing without bound. Per process.
 */
export const hashing = pLimit(2);
export const MAX_WAITING_HASHES = 20;

export class HashingBusy extends Error {
  constructor() {
    super(`${MAX_WAITING_HASHES} password hashes are already waiting`);
  }
}

function derive(password: string, salt: Buffer, params: typeof PARAMS): Promise<Buffer> {
  if (hashing.pendingCount >= MAX_WAITING_HASHES) return Promise.reject(new HashingBusy());
  const options: ScryptOptions = { ...params, maxmem: 256 * params.N * params.r };
  return hashing(
    () =>
      new Promise<Buffer>((resolve, reject) =>
        scrypt(password.normalize('NFKC'), salt, KEY_LENGTH, options, (err, key) => (err ? reject(err) : resolve(key))),
      ),
  );
}

const formatHash = (salt: Buffer, key: Buffer) =>
  `scrypt$${PARAMS.N}$${PARAMS.r}$${PARAMS.p}$${salt.toString('base64')}$${key.toString('base64')}`;

/** A new hash to store; rejects with HashingBusy only when a sign-in flood fills the queue. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  return formatHash(salt, await derive(password, salt, PARAMS));
}

export type PasswordCheck = 'right' | 'wrong' | 'busy';

/** Whether a password matches a stored hash, or 'busy' (nothing checked) when too many checks are waiting. */
export async function checkPassword(password: string, stored: string): Promise<PasswordCheck> {
  const [scheme, n, r, p, salt, key] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !key) return 'wrong';
  const expected = Buffer.from(key, 'base64');
  try {
    const actual = await derive(password, Buffer.from(salt, 'base64'), { N: Number(n), r: Number(r), p: Number(p) });
    return actual.length === expected.length && timingSafeEqual(actual, expected) ? 'right' : 'wrong';
  } catch (err) {
    if (err instanceof HashingBusy) return 'busy';
    throw err;
  }
}

/**
 * What unknown emails are checked against, so that they cost the same hash as known ones. A random
 * key matches no password, and needs no hash to make (the first unknown email is no slower than the rest).
 */
export const decoyHash = formatHash(randomBytes(16), randomBytes(KEY_LENGTH));

export const MIN_PASSWORD_LENGTH = 12;
