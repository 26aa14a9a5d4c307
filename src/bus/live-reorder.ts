// Puts one room's live NATS events back into stream order. nats-server queues a RePublish only after it
// released the stream's lock (server/stream.go, processJetStreamMsg: the stored message's "mset.mu.Unlock()"
// comes before "Check for republish"), so two events stored at the same moment through two connections can
// go out swapped: seen here as 1 in 200 with two nodes publishing at once. Each event names its predecessor in
// the room (Nats-Last-Sequence), so one that arrives before its predecessor is held until the predecessor
// passes, or until the caller's short timer calls `release()`: then the predecessor was lost (a dropped
// connection, the test hook), and the held events go on with the gap showing for the coordinator to fill.
import type { SequencedEvent } from './bus.ts';

export class LiveReorder {
  /** The newest event passed on (or the room's last before its feed started); undefined: not known. */
  #last: number | undefined;
  /** Events waiting for their predecessor, by the predecessor's sequence. */
  readonly #held = new Map<number, SequencedEvent>();

  /** `last`: the room's last event read before subscribing (0: none), so even the first two can be put in order. */
  constructor(last?: number) {
    this.#last = last;
  }

  /** What can go on now, in order. */
  accept(event: SequencedEvent): SequencedEvent[] {
    // The first event, a repeat (the coordinator drops it) or the next one: nothing to wait for.
    if (this.#last === undefined || event.seq <= this.#last || event.prevSeq === this.#last) return this.#passFrom(event);
    this.#held.set(event.prevSeq, event);
    return [];
  }

  get holding(): boolean {
    return this.#held.size > 0;
  }

  /** The held events, oldest first: their predecessors did not come in time. */
  release(): SequencedEvent[] {
    const held = [...this.#held.values()].sort((a, b) => a.seq - b.seq);
    this.#held.clear();
    const newest = held.at(-1);
    if (newest !== undefined && (this.#last === undefined || newest.seq > this.#last)) this.#last = newest.seq;
    return held;
  }

  #passFrom(event: SequencedEvent): SequencedEvent[] {
    if (this.#last !== undefined && event.seq <= this.#last) return [event];
    const passed = [event];
    this.#last = event.seq;
    for (let next = this.#held.get(this.#last); next !== undefined; next = this.#held.get(this.#last)) {
      this.#held.delete(this.#last);
      passed.push(next);
      this.#last = next.seq;
    }
    return passed;
  }
}
