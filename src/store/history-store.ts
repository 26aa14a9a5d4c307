// Rooms' events, kept within byte bounds, so history outlives an emptied room or (with --data-dir) a
// restart, and a client that reconnects can be given exactly what it missed. SqliteStore with --data-dir,
// MemoryStore without; test/store/history-store-conformance.ts holds both to the same behaviour.
//
// Writes are batched: `append` only queues, and `flush` writes the queue at once (one transaction on disk),
// so the hot path never waits for a disk. Call `flush` once per event-loop turn or from a timer; a queue
// that reaches its bound is flushed by the append that filled it. Reads flush first, so they see every
// append. A failed flush throws and keeps its queue, to be written by the next flush: treat it as fatal.
//
// Positions: the caller numbers a room's events (epoch, seq), seq increasing within the room, and mints a
// new epoch for a room that has no position here (epoch.ts). An epoch names one unbroken history: the
// store renews a room's epoch when it may have lost some of it (the process died with appends unflushed).
//
// Retention, enforced by each flush: per room, the newest events within `maxEventsPerRoom` and
// `maxBytesPerRoom`; then, across rooms, the oldest events go first, whatever their room, until all fit in
// `maxTotalBytes`. "Oldest" is the order flushes wrote them in, and a flush writes each room's events
// together, rooms in the order they first appear in its batch. A room whose last event goes is forgotten
// with its position.
import type { RoomEventKind } from '../thread-messages.ts';

export interface StoredRoomEvent {
  room: string;
  epoch: string;
  seq: number;
  kind: RoomEventKind;
  nick: string;
  text: string;
  timeMs: number;
}

/** Where a room's history is: its epoch and the seq of its newest event. */
export interface RoomPosition {
  epoch: string;
  seq: number;
}

/**
 * What a client that last saw `after` missed. `no-gap`: exactly these events (none if it is up to date).
 * `gap-too-large`: some were dropped by retention, or more than the bound were missed. `epoch-changed`:
 * the client's position is not in the room's present history (also a seq beyond the room's newest).
 * Both refusals carry the room's present position (undefined: the room has no history here).
 */
export type ResumeResult =
  | { kind: 'no-gap'; events: StoredRoomEvent[] }
  | { kind: 'gap-too-large'; position: RoomPosition }
  | { kind: 'epoch-changed'; position: RoomPosition | undefined };

export interface HistoryRetention {
  maxEventsPerRoom: number;
  /** In event bytes (event-bytes.ts). */
  maxBytesPerRoom: number;
  /** In event bytes, across every room. */
  maxTotalBytes: number;
}

export interface HistoryUsage {
  rooms: number;
  events: number;
  /** In event bytes (event-bytes.ts). */
  bytes: number;
}

export interface HistoryStore {
  /** The room's position, so its numbering continues after a restart; undefined: no history here. */
  position(room: string): RoomPosition | undefined;
  /** Queues the event; throws a RangeError unless its seq is above the room's last appended one. */
  append(event: StoredRoomEvent): void;
  /** Appends queued and not yet written. */
  readonly queued: number;
  /** Writes the queue and applies retention; returns how many events it wrote. */
  flush(): number;
  /** The room's newest `count` events, oldest first. */
  readLast(room: string, count: number): StoredRoomEvent[];
  /** The events after `after`, oldest first, if the room still holds them all and there are at most `maxEvents`. */
  readAfter(room: string, after: RoomPosition, maxEvents: number): ResumeResult;
  usage(): HistoryUsage;
}
