// Account passwords, hashed with scrypt (node:crypto) and stored in a form that names its own parameters:
//
//   scrypt$32768$8$1$<salt, base64url>$<hash, base64url>
//           N    r p
//
// so the cost can be raised later without breaking the hashes already stored (`needsRehash` says which to
// replace at the next successful login). N = 2^15, r = 8 needs 32 MiB per hash and took about 100–130 ms
// on this project's 2-core machine; hashing runs on libuv's thread pool, never on the calling thread.
import { randomBytes, type ScryptOptions, scrypt, timingSafeEqual } from 'node:crypto';

export interface ScryptParams {
  /** CPU and memory cost, a power of two. */
  cost: number;
  blockSize: number;
  parallelization: number;
}

export const defaultScryptParams: ScryptParams = { cost: 2 ** 15, blockSize: 8, parallelization: 1 };

const saltBytes = 16;
const hashBytes = 32;
/** Longer passwords are refused rather than hashed: nobody types more, and it bounds the work per try. */
export const maxPasswordBytes = 1024;
// A stored hash is trusted data, but a damaged one must not make a login allocate gigabytes.
const maxCost = 2 ** 20;
const maxBlockSize = 32;
const maxParallelization = 16;

/** Why `password` cannot be one (undefined: it can). */
export function passwordProblem(password: string): string | undefined {
  if (password.length === 0) return 'the password is empty';
  if (Buffer.byteLength(password) > maxPasswordBytes) return `the password is longer than ${maxPasswordBytes} bytes`;
  return undefined;
}

export async function hashPassword(password: string, params: ScryptParams = defaultScryptParams): Promise<string> {
  const problem = passwordProblem(password);
  if (problem !== undefined) throw new RangeError(problem);
  checkParams(params);
  const salt = randomBytes(saltBytes);
  const hash = await derive(password, salt, hashBytes, params);
  const { cost, blockSize, parallelization } = params;
  return ['scrypt', cost, blockSize, parallelization, salt.toString('base64url'), hash.toString('base64url')].join('$');
}

/**
 * Whether `password` is the one `encoded` was made from. The comparison takes the same time wherever the
 * hashes differ. A password no hash could be made from is simply wrong; a damaged `encoded` throws.
 */
export async function verifyPassword(password: string, encoded: string): Promise<boolean> {
  const { params, salt, hash } = decodePasswordHash(encoded);
  if (passwordProblem(password) !== undefined) return false;
  return timingSafeEqual(await derive(password, salt, hash.length, params), hash);
}

/** Whether `encoded` was made with other parameters than `params`: hash the password again after a login. */
export function needsRehash(encoded: string, params: ScryptParams = defaultScryptParams): boolean {
  const stored = decodePasswordHash(encoded).params;
  return stored.cost !== params.cost || stored.blockSize !== params.blockSize || stored.parallelization !== params.parallelization;
}

export function decodePasswordHash(encoded: string): { params: ScryptParams; salt: Buffer; hash: Buffer } {
  const parts = encoded.split('$');
  const [scheme, cost, blockSize, parallelization, salt, hash] = parts;
  if (parts.length !== 6 || scheme !== 'scrypt') throw new Error('not a scrypt password hash');
  const params = { cost: Number(cost), blockSize: Number(blockSize), parallelization: Number(parallelization) };
  checkParams(params);
  const base64url = /^[A-Za-z0-9_-]+$/;
  if (!base64url.test(salt!) || !base64url.test(hash!)) throw new Error('a password hash with a damaged salt or hash');
  const decoded = { params, salt: Buffer.from(salt!, 'base64url'), hash: Buffer.from(hash!, 'base64url') };
  if (decoded.salt.length < 8 || decoded.hash.length < 16) throw new Error('a password hash with a short salt or hash');
  return decoded;
}

function checkParams({ cost, blockSize, parallelization }: ScryptParams): void {
  const whole = (value: number, max: number) => Number.isInteger(value) && value >= 1 && value <= max;
  const powerOfTwo = whole(cost, maxCost) && cost > 1 && (cost & (cost - 1)) === 0;
  if (!powerOfTwo || !whole(blockSize, maxBlockSize) || !whole(parallelization, maxParallelization)) {
    throw new RangeError(`scrypt parameters out of range: N=${cost} r=${blockSize} p=${parallelization}`);
  }
}

function derive(password: string, salt: Buffer, length: number, { cost, blockSize, parallelization }: ScryptParams): Promise<Buffer> {
  // Room for scrypt's 128·N·r bytes plus OpenSSL's own: Node's default maxmem (32 MiB) is exactly 2^15·8·128.
  const options: ScryptOptions = { N: cost, r: blockSize, p: parallelization, maxmem: 256 * cost * blockSize + 2 ** 20 };
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFC'), salt, length, options, (error, key) => (error === null ? resolve(key) : reject(error)));
  });
}
