// One room's events as the bus sends them, put back into the bus's order: each event names the one before
// it in the room (prevSeq), so an event whose predecessor was not delivered yet marks a gap, and one at or
// below the last delivered is a repeat. Pure logic: the coordinator asks the bus for the gap (readRange)
// and feeds what comes back through the same door, so a fill racing with the live feed delivers nothing
// twice. Centrifugo's client recovery is the model (client.go: an offset past the next expected one is a
// gap, an older one is skipped; an epoch change is a reset).
import type { BusPosition, SequencedEvent } from '../../src/bus/bus.ts';

export type FeedStep =
  /** Deliver these, in this order. */
  | { kind: 'deliver'; events: SequencedEvent[] }
  /** Nothing to deliver yet: events from..to (by sequence) are missing; ask the bus for them. */
  | { kind: 'gap'; fromSeq: number; toSeq: number }
  /** The bus lost the room's history (its epoch changed): re-read the room and start again. */
  | { kind: 'reset' };

export class BusRoomFeed {
  #epoch: string | undefined;
  #last: number;
  /** Events waiting for their predecessor, by the sequence of that predecessor. */
  readonly #waiting = new Map<number, SequencedEvent>();
  readonly #maxWaiting: number;

  /** `position`: the room as read when the feed started (undefined: it had no history then). */
  constructor(position: BusPosition | undefined, maxWaiting: number) {
    this.#epoch = position?.epoch;
    this.#last = position?.seq ?? 0;
    this.#maxWaiting = maxWaiting;
  }

  get lastDelivered(): number {
    return this.#last;
  }

  get epoch(): string | undefined {
    return this.#epoch;
  }

  accept(event: SequencedEvent): FeedStep {
    if (this.#epoch !== undefined && event.epoch !== this.#epoch) return { kind: 'reset' };
    if (event.seq <= this.#last) return { kind: 'deliver', events: [] };
    if (event.prevSeq !== this.#last) {
      this.#waiting.set(event.prevSeq, event);
      // A bounded wait: past it, the oldest waiting event is taken as the room's next (an honest gap).
      if (this.#waiting.size > this.#maxWaiting) return { kind: 'deliver', events: this.skipGap() };
      return { kind: 'gap', ...this.nextGap()! };
    }
    return { kind: 'deliver', events: this.#deliverFrom(event) };
  }

  /**
   * Every gap still open, as one range: from the last delivered to the newest event waiting. One read
   * fills them all — read one at a time, a burst longer than the bus's history could outrun the fills.
   */
  nextGap(): { fromSeq: number; toSeq: number } | undefined {
    let newest: SequencedEvent | undefined;
    for (const event of this.#waiting.values()) if (newest === undefined || event.seq > newest.seq) newest = event;
    return newest === undefined ? undefined : { fromSeq: this.#last + 1, toSeq: newest.prevSeq };
  }

  /**
   * The bus no longer has the missing events (trimmed by its history bound): go on from the oldest waiting
   * event, delivering it and what follows it.
   */
  skipGap(): SequencedEvent[] {
    let oldest: SequencedEvent | undefined;
    for (const event of this.#waiting.values()) if (oldest === undefined || event.seq < oldest.seq) oldest = event;
    if (oldest === undefined) return [];
    this.#waiting.delete(oldest.prevSeq);
    return this.#deliverFrom(oldest);
  }

  #deliverFrom(first: SequencedEvent): SequencedEvent[] {
    const delivered: SequencedEvent[] = [];
    let next: SequencedEvent | undefined = first;
    while (next !== undefined) {
      this.#epoch = next.epoch;
      this.#last = next.seq;
      delivered.push(next);
      next = this.#waiting.get(next.seq);
      if (next !== undefined) this.#waiting.delete(next.prevSeq);
    }
    // Anything still waiting at or below what was delivered can never be next: it was a repeat.
    for (const [prevSeq, event] of this.#waiting) if (event.seq <= this.#last) this.#waiting.delete(prevSeq);
    return delivered;
  }
}
