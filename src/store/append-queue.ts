// The appends a HistoryStore has not written yet, bounded, and checked as they come so a mistake in the
// caller's numbering is thrown where it is made, not found in a later flush.
import type { StoredRoomEvent } from './history-store.ts';

export const defaultMaxQueuedEvents = 4096;

export class AppendQueue {
  readonly #maxQueued: number;
  #events: StoredRoomEvent[] = [];
  /** The newest queued seq of each room with queued events. */
  readonly #tops = new Map<string, number>();

  constructor(maxQueued: number) {
    if (!Number.isInteger(maxQueued) || maxQueued < 1) throw new RangeError(`maxQueued must be a positive whole number, not ${maxQueued}`);
    this.#maxQueued = maxQueued;
  }

  get size(): number {
    return this.#events.length;
  }

  /** Queues `event` after a room's stored events, whose newest is `storedTop`; true: the queue is full, flush it now. */
  push(event: StoredRoomEvent, storedTop: number | undefined): boolean {
    const { room, seq } = event;
    if (room.length === 0) throw new RangeError('an event needs a room');
    if (!Number.isSafeInteger(seq) || seq < 1) throw new RangeError(`room ${room}: seq ${seq} is not a positive whole number`);
    // Refused here rather than by the database, where one bad event would fail every flush after it.
    if (!Number.isFinite(event.timeMs)) throw new RangeError(`room ${room}: timeMs ${event.timeMs} is not a time`);
    const top = this.#tops.get(room) ?? storedTop;
    if (top !== undefined && seq <= top) throw new RangeError(`room ${room}: seq ${seq} does not follow ${top}`);
    this.#events.push(event);
    this.#tops.set(room, seq);
    return this.#events.length >= this.#maxQueued;
  }

  /** Everything queued, oldest first; the queue is left empty. */
  take(): StoredRoomEvent[] {
    const events = this.#events;
    this.#events = [];
    this.#tops.clear();
    return events;
  }

  /** Puts back what `take` gave, after a write that failed, so the next flush writes it. */
  putBack(events: StoredRoomEvent[]): void {
    this.#events = events.concat(this.#events);
    for (const { room, seq } of this.#events) this.#tops.set(room, seq);
  }
}
