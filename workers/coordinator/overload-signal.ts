// Overload: some worker is too far behind the coordinator (too many of the coordinator's ops to it are
// unacknowledged). While any is, every worker is told to stop reading its sockets, so the ops that feed
// the backlog stop at the source; when none is, they resume. Time is passed in for the meter.
import { OnOffMeter } from '../../src/on-off-meter.ts';

export class OverloadSignal {
  readonly #behind = new Set<number>();
  readonly #meter = new OnOffMeter();
  readonly #onChange: (on: boolean) => void;

  constructor(onChange: (on: boolean) => void) {
    this.#onChange = onChange;
  }

  get on(): boolean {
    return this.#meter.on;
  }

  /** Whether worker `workerId` is behind (its window is over); a detached worker is no longer behind. */
  workerBehind(workerId: number, behind: boolean, nowMs: number): void {
    if (behind) this.#behind.add(workerId);
    else this.#behind.delete(workerId);
    if (this.#meter.set(this.#behind.size > 0, nowMs)) this.#onChange(this.on);
  }

  stats(nowMs: number): { overloadMs: number; overloads: number } {
    return { overloadMs: Math.round(this.#meter.totalMs(nowMs)), overloads: this.#meter.turnedOn };
  }
}
