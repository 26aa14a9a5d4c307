// Accounts and history in memory, for a server without --data-dir: gone at exit, and otherwise the same
// as SqliteStore, queue and retention included (test/store/ runs one suite against both).
//
// Each room holds its events oldest first; `appendOrder` holds every event in the order flushes wrote
// them, for the bound across rooms. An event dropped from its room is only marked in `appendOrder`, and
// skipped when the bound reaches it. Both arrays are read from a head index and compacted now and then.
import type { Account } from './account-store.ts';
import { AppendQueue, defaultMaxQueuedEvents } from './append-queue.ts';
import { eventBytes } from './event-bytes.ts';
import type { HistoryRetention, HistoryUsage, ResumeResult, RoomPosition, StoredRoomEvent } from './history-store.ts';
import type { Store } from './store.ts';

interface HeldEvent {
  event: StoredRoomEvent;
  bytes: number;
  dropped: boolean;
}

interface RoomHistory {
  room: string;
  epoch: string;
  topSeq: number;
  /** The newest seq this room dropped (or never held, before its epoch began): resuming from below it has a gap. */
  droppedThrough: number;
  held: HeldEvent[];
  head: number;
  bytes: number;
}

export interface MemoryStoreOptions {
  retention: HistoryRetention;
  maxQueuedEvents?: number;
}

export class MemoryStore implements Store {
  readonly #retention: HistoryRetention;
  readonly #queue: AppendQueue;
  readonly #accounts = new Map<string, Account>();
  readonly #rooms = new Map<string, RoomHistory>();
  #appendOrder: HeldEvent[] = [];
  #appendHead = 0;
  #events = 0;
  #bytes = 0;

  constructor(options: MemoryStoreOptions) {
    this.#retention = options.retention;
    this.#queue = new AppendQueue(options.maxQueuedEvents ?? defaultMaxQueuedEvents);
  }

  close(): void {
    this.flush();
  }

  createAccount(nickKey: string, account: Account): boolean {
    if (this.#accounts.has(nickKey)) return false;
    this.#accounts.set(nickKey, { ...account });
    return true;
  }

  getAccount(nickKey: string): Account | undefined {
    const account = this.#accounts.get(nickKey);
    return account === undefined ? undefined : { ...account };
  }

  setPassword(nickKey: string, passwordHash: string): boolean {
    const account = this.#accounts.get(nickKey);
    if (account !== undefined) account.passwordHash = passwordHash;
    return account !== undefined;
  }

  setOperator(nickKey: string, operator: boolean): boolean {
    const account = this.#accounts.get(nickKey);
    if (account !== undefined) account.operator = operator;
    return account !== undefined;
  }

  position(room: string): RoomPosition | undefined {
    this.flush();
    const history = this.#rooms.get(room);
    return history === undefined ? undefined : { epoch: history.epoch, seq: history.topSeq };
  }

  append(event: StoredRoomEvent): void {
    if (this.#queue.push(event, this.#rooms.get(event.room)?.topSeq)) this.flush();
  }

  get queued(): number {
    return this.#queue.size;
  }

  flush(): number {
    const events = this.#queue.take();
    if (events.length === 0) return 0;
    // A flush writes each room's events together, rooms in the order they first appear in the batch: the
    // order SqliteStore writes its chunks in, and so the order the bound across rooms drops them in.
    const byRoom = Map.groupBy(events, (event) => event.room);
    const touched = new Set<RoomHistory>();
    for (const roomEvents of byRoom.values()) for (const event of roomEvents) touched.add(this.#write(event));
    const { maxEventsPerRoom, maxBytesPerRoom, maxTotalBytes } = this.#retention;
    for (const history of touched) {
      while (history.held.length - history.head > maxEventsPerRoom || history.bytes > maxBytesPerRoom) this.#dropOldest(history);
    }
    while (this.#bytes > maxTotalBytes) {
      const oldest = this.#appendOrder[this.#appendHead++]!;
      if (oldest.dropped) continue;
      // A room's oldest in append order is also its oldest held.
      const history = this.#rooms.get(oldest.event.room)!;
      this.#dropOldest(history);
      touched.add(history);
    }
    if (this.#appendHead > 1024 && this.#appendHead * 2 > this.#appendOrder.length) {
      this.#appendOrder = this.#appendOrder.slice(this.#appendHead);
      this.#appendHead = 0;
    }
    for (const history of touched) if (history.held.length === history.head) this.#rooms.delete(history.room);
    return events.length;
  }

  readLast(room: string, count: number): StoredRoomEvent[] {
    this.flush();
    const history = this.#rooms.get(room);
    if (history === undefined || count <= 0) return [];
    return history.held.slice(Math.max(history.head, history.held.length - count)).map((held) => held.event);
  }

  readAfter(room: string, after: RoomPosition, maxEvents: number): ResumeResult {
    this.flush();
    const history = this.#rooms.get(room);
    if (history === undefined) return { kind: 'epoch-changed', position: undefined };
    const position = { epoch: history.epoch, seq: history.topSeq };
    if (after.epoch !== history.epoch || after.seq > history.topSeq) return { kind: 'epoch-changed', position };
    if (after.seq < history.droppedThrough) return { kind: 'gap-too-large', position };
    const missed = history.held.length - this.#firstAfter(history, after.seq);
    if (missed > maxEvents) return { kind: 'gap-too-large', position };
    return { kind: 'no-gap', events: history.held.slice(history.held.length - missed).map((held) => held.event) };
  }

  usage(): HistoryUsage {
    this.flush();
    return { rooms: this.#rooms.size, events: this.#events, bytes: this.#bytes };
  }

  #write(event: StoredRoomEvent): RoomHistory {
    let history = this.#rooms.get(event.room);
    if (history === undefined) {
      history = { room: event.room, epoch: event.epoch, topSeq: 0, droppedThrough: event.seq - 1, held: [], head: 0, bytes: 0 };
      this.#rooms.set(event.room, history);
    } else if (history.epoch !== event.epoch) {
      history.epoch = event.epoch;
      history.droppedThrough = event.seq - 1;
    }
    history.topSeq = event.seq;
    const held = { event: { ...event }, bytes: eventBytes(event), dropped: false };
    history.held.push(held);
    history.bytes += held.bytes;
    this.#appendOrder.push(held);
    this.#events++;
    this.#bytes += held.bytes;
    return history;
  }

  #dropOldest(history: RoomHistory): void {
    const held = history.held[history.head++]!;
    held.dropped = true;
    history.bytes -= held.bytes;
    history.droppedThrough = Math.max(history.droppedThrough, held.event.seq);
    this.#events--;
    this.#bytes -= held.bytes;
    if (history.head > 1024 && history.head * 2 > history.held.length) {
      history.held = history.held.slice(history.head);
      history.head = 0;
    }
  }

  /** The index of the room's first held event with a seq above `seq` (seqs increase along `held`). */
  #firstAfter(history: RoomHistory, seq: number): number {
    let low = history.head;
    let high = history.held.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (history.held[middle]!.event.seq <= seq) low = middle + 1;
      else high = middle;
    }
    return low;
  }
}
