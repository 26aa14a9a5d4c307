// How often a password may be tried, per key (a connection, an address). Each key has a few wrong tries
// per window; past them it is locked out, and tries are refused without being checked, so guessing costs
// time rather than CPU. Each further lock-out of the same key lasts twice as long as the one before:
//
//   wrong ×3 ─▶ locked 1 min ─▶ wrong ×3 ─▶ locked 2 min ─▶ … ─▶ locked maxLockoutMs (1 h)
//
// A key that stays quiet for maxLockoutMs is forgotten with its lock-out count. Memory is bounded: at most
// maxKeys keys are kept, the least recently used dropped first. Time is passed in, for tests.
export interface AttemptLimits {
  attemptsPerWindow: number;
  windowMs: number;
  lockoutMs: number;
  maxLockoutMs: number;
  maxKeys: number;
}

export const operatorAttemptLimits: AttemptLimits = {
  attemptsPerWindow: 3,
  windowMs: 60_000,
  lockoutMs: 60_000,
  maxLockoutMs: 3_600_000,
  maxKeys: 100_000,
};

interface KeyState {
  failures: number;
  windowStartMs: number;
  lockouts: number;
  lockedUntilMs: number;
  lastSeenMs: number;
}

export class PasswordAttemptLimiter {
  readonly #limits: AttemptLimits;
  /** In least-recently-used order: a touched key is moved to the end. */
  readonly #keys = new Map<string, KeyState>();

  constructor(limits: AttemptLimits) {
    this.#limits = limits;
  }

  /** 0 if a try for every key may be checked now; else how long until it may (ms). */
  retryAfterMs(keys: readonly string[], nowMs: number): number {
    let wait = 0;
    for (const key of keys) wait = Math.max(wait, (this.#state(key, nowMs)?.lockedUntilMs ?? 0) - nowMs);
    return wait;
  }

  failed(keys: readonly string[], nowMs: number): void {
    const { attemptsPerWindow, windowMs, lockoutMs, maxLockoutMs } = this.#limits;
    for (const key of keys) {
      const state = this.#state(key, nowMs) ?? this.#create(key, nowMs);
      if (nowMs - state.windowStartMs >= windowMs) {
        state.windowStartMs = nowMs;
        state.failures = 0;
      }
      state.lastSeenMs = nowMs;
      if (++state.failures < attemptsPerWindow) continue;
      state.lockedUntilMs = nowMs + Math.min(maxLockoutMs, lockoutMs * 2 ** state.lockouts);
      state.lockouts++;
      state.failures = 0;
    }
  }

  succeeded(keys: readonly string[]): void {
    for (const key of keys) this.#keys.delete(key);
  }

  get size(): number {
    return this.#keys.size;
  }

  #state(key: string, nowMs: number): KeyState | undefined {
    const state = this.#keys.get(key);
    if (state === undefined) return undefined;
    this.#keys.delete(key);
    if (nowMs - Math.max(state.lastSeenMs, state.lockedUntilMs) >= this.#limits.maxLockoutMs) return undefined;
    this.#keys.set(key, state);
    return state;
  }

  #create(key: string, nowMs: number): KeyState {
    const state: KeyState = { failures: 0, windowStartMs: nowMs, lockouts: 0, lockedUntilMs: 0, lastSeenMs: nowMs };
    this.#keys.set(key, state);
    if (this.#keys.size > this.#limits.maxKeys) this.#keys.delete(this.#keys.keys().next().value!);
    return state;
  }
}
