import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

/**
 * Password hashes in a PHC-like string: `$scrypt$ln=15,r=8,p=1$<salt>$<hash>` (base64url, no padding).
 * scrypt from node:crypto: memory-hard, no native add-on to install.
 */
export const DEFAULT_SCRYPT_LOG_N = 15;
const KEY_BYTES = 32;
const SALT_BYTES = 16;
const HASH_PATTERN =
  /^\$scrypt\$ln=(\d{1,2}),r=(\d{1,2}),p=(\d{1,2})\$([A-Za-z0-9_-]{16,})\$([A-Za-z0-9_-]{32,})$/;

export interface ScryptParams {
  logN: number;
  r: number;
  p: number;
  salt: Buffer;
  hash: Buffer;
}

/** Parses a stored hash; `undefined` when it is not one this server can verify. */
export function parseScryptHash(text: string): ScryptParams | undefined {
  const match = HASH_PATTERN.exec(text);
  if (match === null) return undefined;
  const [, logN, r, p, salt, hash] = match;
  const params = {
    logN: Number(logN),
    r: Number(r),
    p: Number(p),
    salt: Buffer.from(salt as string, 'base64url'),
    hash: Buffer.from(hash as string, 'base64url'),
  };
  if (params.logN < 10 || params.logN > 20 || params.r < 1 || params.p < 1 || params.p > 4) return undefined;
  return params;
}

function derive(password: string, salt: Buffer, logN: number, r: number, p: number, bytes: number) {
  const N = 2 ** logN;
  return new Promise<Buffer>((resolve, reject) => {
    scrypt(
      password.normalize('NFC'),
      salt,
      bytes,
      { N, r, p, maxmem: 256 * N * r + 1024 * 1024 },
      (error, key) => (error ? reject(error) : resolve(key)),
    );
  });
}

/** Hashes a password for a users file or TAPLINE_USERS. */
export async function hashPassword(password: string, logN = DEFAULT_SCRYPT_LOG_N): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const r = 8;
  const p = 1;
  const key = await derive(password, salt, logN, r, p, KEY_BYTES);
  return `$scrypt$ln=${logN},r=${r},p=${p}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

/** Constant-time comparison of the derived key. */
export async function verifyPassword(password: string, params: ScryptParams): Promise<boolean> {
  const key = await derive(password, params.salt, params.logN, params.r, params.p, params.hash.length);
  return timingSafeEqual(key, params.hash);
}
