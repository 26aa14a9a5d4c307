// Time spent in a state that switches on and off (a pause, an overload), and how many times it came
// on, for the stats. Time is passed in so the logic is testable without waiting.
export class OnOffMeter {
  #onSinceMs: number | undefined;
  #totalMs = 0;
  #turnedOn = 0;

  get on(): boolean {
    return this.#onSinceMs !== undefined;
  }

  /** How many times it came on. */
  get turnedOn(): number {
    return this.#turnedOn;
  }

  /** Switches to `on`; returns whether that was a change. */
  set(on: boolean, nowMs: number): boolean {
    if (on === this.on) return false;
    if (on) {
      this.#onSinceMs = nowMs;
      this.#turnedOn++;
    } else {
      this.#totalMs += nowMs - this.#onSinceMs!;
      this.#onSinceMs = undefined;
    }
    return true;
  }

  /** Milliseconds spent on, up to now (a current spell included). */
  totalMs(nowMs: number): number {
    return this.#totalMs + (this.#onSinceMs === undefined ? 0 : nowMs - this.#onSinceMs);
  }
}
