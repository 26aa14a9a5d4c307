// Whether this worker reads its sockets. Reading pauses while either reason holds — this worker has too
// many ops the coordinator has not yet acknowledged ('backlog'), or the coordinator says some worker is
// too far behind it ('overload') — and resumes when neither does. A paused socket keeps at most its
// stream buffer (its readable highWaterMark) of unread input here; past that the kernel's buffers fill
// and TCP makes the client wait. Shutdown stops reading for good: once shut, nothing here resumes a socket.
//
// Sockets resume in turn, and the first to resume are read first: if their input fills the window again
// at once, the rest stay paused this round. So each resume starts at a random place in the list: under a
// sustained storm every client gets its turn, however many connected before it.
import { OnOffMeter } from '../../src/on-off-meter.ts';

export type PauseReason = 'backlog' | 'overload';

export interface Readable {
  pause(): void;
  resume(): void;
}

export class InputGate {
  readonly #readers: () => readonly Readable[];
  readonly #onChange: (paused: boolean, reason: PauseReason) => void;
  readonly #meter = new OnOffMeter();
  readonly #reasons = new Set<PauseReason>();
  #shut = false;

  /** `readers()` are the sockets to pause and resume; `onChange` hears each pause and resume (to log it). */
  constructor(readers: () => readonly Readable[], onChange: (paused: boolean, reason: PauseReason) => void) {
    this.#readers = readers;
    this.#onChange = onChange;
  }

  get paused(): boolean {
    return this.#meter.on;
  }

  set(reason: PauseReason, on: boolean, nowMs: number): void {
    if (on) this.#reasons.add(reason);
    else this.#reasons.delete(reason);
    if (!this.#meter.set(this.#reasons.size > 0, nowMs)) return;
    this.#onChange(this.paused, reason);
    if (this.#shut) return;
    const readers = this.#readers();
    if (this.paused) {
      for (const reader of readers) reader.pause();
      return;
    }
    const start = Math.floor(Math.random() * readers.length);
    for (let i = 0; i < readers.length; i++) readers[(start + i) % readers.length]!.resume();
  }

  /** A socket that starts while reading is paused starts paused. */
  adopt(reader: Readable): void {
    if (this.paused || this.#shut) reader.pause();
  }

  /** Shutdown has paused every socket: never resume one. */
  shut(): void {
    this.#shut = true;
  }

  stats(nowMs: number): { backpressureMs: number; backpressurePauses: number } {
    return { backpressureMs: Math.round(this.#meter.totalMs(nowMs)), backpressurePauses: this.#meter.turnedOn };
  }
}
