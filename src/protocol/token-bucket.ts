// A token bucket: `ratePerSecond` tokens flow in continuously, up to `burst`. Taking more than is there
// fails without taking anything. Time is passed in so the logic is testable without waiting.
export class TokenBucket {
  readonly #ratePerMs: number;
  readonly #burst: number;
  #tokens: number;
  #updatedAtMs: number;

  constructor(ratePerSecond: number, burst: number, nowMs: number) {
    this.#ratePerMs = ratePerSecond / 1000;
    this.#burst = burst;
    this.#tokens = burst;
    this.#updatedAtMs = nowMs;
  }

  tryTake(amount: number, nowMs: number): boolean {
    this.#tokens = Math.min(this.#burst, this.#tokens + (nowMs - this.#updatedAtMs) * this.#ratePerMs);
    this.#updatedAtMs = nowMs;
    if (amount > this.#tokens) return false;
    this.#tokens -= amount;
    return true;
  }
}
