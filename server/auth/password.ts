import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import type { Sql } from '../db/sql';
import { findCredentialsByEmail, type UserRecord } from '../db/users';

/**
 * Password hashing with scrypt at OWASP's parameters (N=2^17, r=8, p=1), stored
 * as a self-describing string `scrypt$<log2 N>$<r>$<p>$<salt b64>$<hash b64>` so
 * the parameters can be raised later without breaking existing hashes.
 */
const LOG_N = 17;
const BLOCK_SIZE = 8;
const PARALLELISM = 1;
const KEY_BYTES = 64;
const SALT_BYTES = 16;
/** scrypt needs 128 * N * r bytes (128 MiB here); Node's default cap is 32 MiB. */
const MAX_MEM = 256 * 1024 * 1024;
/** Parameters we are willing to compute when verifying a stored hash. */
const MAX_LOG_N = 20;

/**
 * A hash of a random password nobody knows, at the current parameters. Logins for
 * unknown emails are checked against it, so they take as long as real ones.
 */
const DUMMY_HASH =
  'scrypt$17$8$1$9PRmZlMeRZ0O8lHh3x1x1w==$yJ3kT0Zb3Yy1v8m7x9R6cQq0b1i2B9s0cXr8Yx3mX6cV4wZ9H4s5kQ0m2j8Y7r1TqZpJ8a0d3H6b2vK9n1pQ5w==';

/** Where each derivation is counted (the server's `twinpad_password_hashes_total`); a prom-client Counter fits. */
export interface HashCounter {
  inc(): void;
}

function derive(password: string, salt: Uint8Array, keyBytes: number, options: ScryptOptions, counter: HashCounter | undefined): Promise<Buffer> {
  counter?.inc();
  return new Promise((resolve, reject) => {
    // NFC, so the same password typed on different systems hashes alike.
    scrypt(password.normalize('NFC'), salt, keyBytes, options, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

export async function hashPassword(password: string, counter?: HashCounter): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(password, salt, KEY_BYTES, { N: 2 ** LOG_N, r: BLOCK_SIZE, p: PARALLELISM, maxmem: MAX_MEM }, counter);
  return ['scrypt', LOG_N, BLOCK_SIZE, PARALLELISM, salt.toString('base64'), key.toString('base64')].join('$');
}

interface ParsedHash {
  logN: number;
  r: number;
  p: number;
  salt: Buffer;
  key: Buffer;
}

function parseHash(stored: string): ParsedHash | null {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return null;
  const [logN, r, p] = parts.slice(1, 4).map((n) => Number.parseInt(n, 10));
  const salt = Buffer.from(parts[4] ?? '', 'base64');
  const key = Buffer.from(parts[5] ?? '', 'base64');
  if (logN === undefined || r === undefined || p === undefined) return null;
  if (!(logN >= 10 && logN <= MAX_LOG_N && r >= 1 && r <= 32 && p >= 1 && p <= 16)) return null;
  if (salt.length < 8 || key.length < 16) return null;
  return { logN, r, p, salt, key };
}

/** True when `password` matches `stored`. Malformed hashes never match. */
export async function verifyPassword(password: string, stored: string, counter?: HashCounter): Promise<boolean> {
  const parsed = parseHash(stored);
  if (!parsed) return false;
  const { logN, r, p, salt, key } = parsed;
  const maxmem = Math.max(MAX_MEM, 2 * 128 * 2 ** logN * r);
  const candidate = await derive(password, salt, key.length, { N: 2 ** logN, r, p, maxmem }, counter);
  return timingSafeEqual(candidate, key);
}

/**
 * The user whose email and password these are, or null. An unknown email still
 * costs one scrypt (against a dummy hash), so timing does not reveal which emails exist.
 */
export async function verifyCredentials(db: Sql, email: string, password: string, counter?: HashCounter): Promise<UserRecord | null> {
  const found = await findCredentialsByEmail(db, email);
  if (!found) {
    await verifyPassword(password, DUMMY_HASH, counter);
    return null;
  }
  return (await verifyPassword(password, found.passwordHash, counter)) ? found.user : null;
}
