// A token bucket: `ratePerSecond` tokens flow in continuously, up to `burst`. Taking more than is there
// fails without taking anything. A cost known only after the fact is charged instead: the bucket may go
// into debt (at most `burst` deep), and nothing can be taken again until the inflow has repaid it.
// Time is passed in so the logic is testable without waiting.
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
    this.#refill(nowMs);
    if (amount > this.#tokens) return false;
    this.#tokens -= amount;
    return true;
  }

  /** Takes `amount` whatever is there. The debt floor keeps one huge charge from locking a client out for long. */
  charge(amount: number, nowMs: number): void {
    this.#refill(nowMs);
    this.#tokens = Math.max(-this.#burst, this.#tokens - amount);
  }

  #refill(nowMs: number): void {
    this.#tokens = Math.min(this.#burst, this.#tokens + (nowMs - this.#updatedAtMs) * this.#ratePerMs);
    this.#updatedAtMs = nowMs;
  }
}
