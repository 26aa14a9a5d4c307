// How often one address may connect. A client reconnecting in a loop (churn) costs a handoff, a worker
// session and coordinator work each time while staying under the concurrent cap, so each address key
// gets a token bucket: `ratePerSecond` connects, `burst` at once. Memory stays bounded: a bucket left
// alone long enough to refill is the same as none and is dropped, and past `maxAddresses` the least
// recently seen address is forgotten (it merely gets a full bucket again). Time is passed in.
import { TokenBucket } from '../protocol/token-bucket.ts';

export class ConnectRateLimiter {
  readonly #ratePerSecond: number;
  readonly #burst: number;
  readonly #maxAddresses: number;
  /** An untouched bucket is full again after this long. */
  readonly #refillMs: number;
  /** Least recently touched first: a touched entry is moved to the end, so expiry scans from the front. */
  readonly #buckets = new Map<string, { bucket: TokenBucket; touchedAtMs: number }>();

  constructor(ratePerSecond: number, burst: number, maxAddresses: number) {
    this.#ratePerSecond = ratePerSecond;
    this.#burst = burst;
    this.#maxAddresses = maxAddresses;
    this.#refillMs = (burst / ratePerSecond) * 1000;
  }

  /** Addresses currently tracked. */
  get size(): number {
    return this.#buckets.size;
  }

  /** Whether a connection from `key` may come in now; if so it spends one token. */
  tryConnect(key: string, nowMs: number): boolean {
    this.#expire(nowMs);
    const entry = this.#buckets.get(key) ?? { bucket: new TokenBucket(this.#ratePerSecond, this.#burst, nowMs), touchedAtMs: nowMs };
    this.#buckets.delete(key);
    if (this.#buckets.size >= this.#maxAddresses) this.#buckets.delete(this.#buckets.keys().next().value!);
    entry.touchedAtMs = nowMs;
    this.#buckets.set(key, entry);
    return entry.bucket.tryTake(1, nowMs);
  }

  #expire(nowMs: number): void {
    for (const [key, { touchedAtMs }] of this.#buckets) {
      if (nowMs - touchedAtMs < this.#refillMs) return;
      this.#buckets.delete(key);
    }
  }
}
