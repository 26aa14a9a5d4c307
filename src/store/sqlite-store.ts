// Accounts and history in `<data dir>/roomcast.db`, with node:sqlite's synchronous API on the calling thread.
//
// - WAL with synchronous=NORMAL: a commit appends to the log without waiting for the disk; a power cut can
//   lose the last commits, never corrupt the file. One flush of many appends is one transaction.
// - locking_mode=EXCLUSIVE: the file stays locked while open, so a second server on the same directory is
//   refused at start-up rather than sharing it (and WAL then needs no shared-memory file).
// - A row in `meta` says the store is open; `close` removes it. Found at open, it means the last process
//   died, maybe with appends unwritten, so every room starts a new epoch: a client that saw events lost
//   with the process is told its position is gone instead of being given other events under its seqs.
// - A flush writes one row per room it touches, holding that room's events (event-chunk.ts): a row costs
//   a few microseconds however much it holds. Retention drops whole chunks, or marks how much of the
//   oldest one is gone (kept_from), so the bounds still count single events, as MemoryStore's do.
// - Per-room figures (position, event count, bytes) are kept in memory as well as in `rooms`, so appends
//   and the retention bounds need no query; only the oldest chunks are read back, when some must go.
import path from 'node:path';
import { DatabaseSync, type SQLInputValue, type StatementSync } from 'node:sqlite';
import type { Account } from './account-store.ts';
import { AppendQueue, defaultMaxQueuedEvents } from './append-queue.ts';
import { ensureWritableDataDir } from './data-dir.ts';
import { newEpoch } from './epoch.ts';
import { decodeChunk, encodeChunk } from './event-chunk.ts';
import { eventBytes } from './event-bytes.ts';
import type { HistoryRetention, HistoryUsage, ResumeResult, RoomPosition, StoredRoomEvent } from './history-store.ts';
import { migrate } from './sqlite-schema.ts';
import type { Store } from './store.ts';

export const databaseFileName = 'roomcast.db';

/**
 * Enough to make a row's cost small per event; few enough that dropping part of a room's oldest chunk,
 * which decodes it, stays cheap (every flush of a room at its bound does that).
 */
const maxEventsPerChunk = 64;

export interface SqliteStoreOptions {
  dataDir: string;
  retention: HistoryRetention;
  maxQueuedEvents?: number;
}

interface RoomRow {
  id: number;
  name: string;
  epoch: string;
  topSeq: number;
  droppedThrough: number;
  events: number;
  bytes: number;
}

interface ChunkRow {
  id: number;
  roomId: number;
  lastSeq: number;
  /** The first event of `body` still kept. */
  keptFrom: number;
  /** Kept events, and their weight. */
  events: number;
  bytes: number;
  body: string;
}

type Row = Record<string, SQLInputValue>;

const chunkColumns = 'id, room_id AS roomId, last_seq AS lastSeq, kept_from AS keptFrom, events, bytes, body';

export class SqliteStore implements Store {
  /** The last process to open the directory did not close it: every room was given a new epoch. */
  readonly openedAfterCrash: boolean;
  readonly #db: DatabaseSync;
  readonly #file: string;
  readonly #retention: HistoryRetention;
  readonly #queue: AppendQueue;
  readonly #rooms = new Map<string, RoomRow>();
  readonly #roomsById = new Map<number, RoomRow>();
  #events = 0;
  #bytes = 0;
  readonly #sql: ReturnType<typeof prepareStatements>;

  /** Opens (making them if need be) the directory and its database; throws an Error that names what is wrong. */
  constructor(options: SqliteStoreOptions) {
    this.#retention = options.retention;
    this.#queue = new AppendQueue(options.maxQueuedEvents ?? defaultMaxQueuedEvents);
    ensureWritableDataDir(options.dataDir);
    this.#file = path.join(options.dataDir, databaseFileName);
    this.#db = openDatabase(this.#file);
    try {
      migrate(this.#db, this.#file);
      this.#sql = prepareStatements(this.#db);
      this.openedAfterCrash = this.#sql.getOpenMark.get() !== undefined;
      this.#transaction(() => {
        if (this.openedAfterCrash) for (const { id } of this.#sql.roomIds.all()) this.#sql.startEpoch.run(newEpoch(), id as number);
        this.#sql.setOpenMark.run(String(Date.now()));
      });
      this.#loadRooms();
    } catch (error) {
      this.#db.close();
      throw describeOpenError(error, this.#file);
    }
  }

  /** Writes what is queued and closes the file, marked as closed cleanly. */
  close(): void {
    if (!this.#db.isOpen) return;
    try {
      this.flush();
      this.#sql.clearOpenMark.run();
    } finally {
      this.#db.close();
    }
  }

  createAccount(nickKey: string, account: Account): boolean {
    const { nick, passwordHash, operator, createdAtMs } = account;
    return this.#sql.insertAccount.run(nickKey, nick, passwordHash, operator ? 1 : 0, createdAtMs).changes === 1;
  }

  getAccount(nickKey: string): Account | undefined {
    const row = this.#sql.getAccount.get(nickKey);
    if (row === undefined) return undefined;
    return {
      nick: row.nick as string,
      passwordHash: row.passwordHash as string,
      operator: row.operator === 1,
      createdAtMs: row.createdAtMs as number,
    };
  }

  setPassword(nickKey: string, passwordHash: string): boolean {
    return this.#sql.setPassword.run(passwordHash, nickKey).changes === 1;
  }

  setOperator(nickKey: string, operator: boolean): boolean {
    return this.#sql.setOperator.run(operator ? 1 : 0, nickKey).changes === 1;
  }

  position(room: string): RoomPosition | undefined {
    this.flush();
    const row = this.#rooms.get(room);
    return row === undefined ? undefined : { epoch: row.epoch, seq: row.topSeq };
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
    try {
      this.#transaction(() => this.#write(events));
    } catch (error) {
      // The transaction was rolled back: so are the figures in memory, and the events wait for the next flush.
      this.#loadRooms();
      this.#queue.putBack(events);
      throw new Error(`cannot write room history to ${this.#file} (${this.#queue.size} events wait): ${(error as Error).message}`, {
        cause: error,
      });
    }
    return events.length;
  }

  readLast(room: string, count: number): StoredRoomEvent[] {
    this.flush();
    const row = this.#rooms.get(room);
    if (row === undefined || count <= 0) return [];
    const newestFirst: StoredRoomEvent[][] = [];
    let found = 0;
    for (const chunk of this.#sql.chunksOfRoomNewestFirst.iterate(row.id)) {
      const events = decodeChunk(room, chunk.body as string).slice(chunk.keptFrom as number);
      newestFirst.push(events);
      found += events.length;
      if (found >= count) break;
    }
    return newestFirst.reverse().flat().slice(-count);
  }

  readAfter(room: string, after: RoomPosition, maxEvents: number): ResumeResult {
    this.flush();
    const row = this.#rooms.get(room);
    if (row === undefined) return { kind: 'epoch-changed', position: undefined };
    const position = { epoch: row.epoch, seq: row.topSeq };
    if (after.epoch !== row.epoch || after.seq > row.topSeq) return { kind: 'epoch-changed', position };
    if (after.seq < row.droppedThrough) return { kind: 'gap-too-large', position };
    const missed: StoredRoomEvent[] = [];
    for (const chunk of this.#sql.chunksOfRoomAfter.iterate(row.id, after.seq)) {
      for (const event of decodeChunk(room, chunk.body as string).slice(chunk.keptFrom as number))
        if (event.seq > after.seq) missed.push(event);
      if (missed.length > maxEvents) return { kind: 'gap-too-large', position };
    }
    return { kind: 'no-gap', events: missed };
  }

  usage(): HistoryUsage {
    this.flush();
    return { rooms: this.#rooms.size, events: this.#events, bytes: this.#bytes };
  }

  #write(events: readonly StoredRoomEvent[]): void {
    // Each room's events in chunks of at most maxEventsPerChunk, rooms in the order they first appear in the
    // batch (MemoryStore keeps the same order).
    const chunks = new Map<RoomRow, { events: StoredRoomEvent[]; bytes: number }[]>();
    for (const event of events) {
      const row = this.#roomFor(event);
      const bytes = eventBytes(event);
      let roomChunks = chunks.get(row);
      if (roomChunks === undefined) chunks.set(row, (roomChunks = []));
      let chunk = roomChunks.at(-1);
      if (chunk === undefined || chunk.events.length === maxEventsPerChunk) roomChunks.push((chunk = { events: [], bytes: 0 }));
      chunk.events.push(event);
      chunk.bytes += bytes;
      row.topSeq = event.seq;
      row.events++;
      row.bytes += bytes;
      this.#events++;
      this.#bytes += bytes;
    }
    for (const [row, roomChunks] of chunks) {
      for (const chunk of roomChunks) {
        this.#sql.insertChunk.run(row.id, chunk.events.at(-1)!.seq, chunk.events.length, chunk.bytes, encodeChunk(chunk.events));
      }
    }
    const touched = new Set(chunks.keys());
    const { maxEventsPerRoom, maxBytesPerRoom, maxTotalBytes } = this.#retention;
    for (const row of touched) {
      const over = () => row.events > maxEventsPerRoom || row.bytes > maxBytesPerRoom;
      if (!over()) continue;
      const cut = this.#dropOldest(this.#sql.chunksOfRoom.iterate(row.id), over, () => row);
      if (cut.wholeThrough !== undefined) this.#sql.deleteRoomChunksThrough.run(row.id, cut.wholeThrough.lastSeq);
      if (cut.partial !== undefined) this.#sql.updateChunk.run(cut.partial.keptFrom, cut.partial.events, cut.partial.bytes, cut.partial.id);
    }
    if (this.#bytes > maxTotalBytes) {
      const roomOf = (chunk: ChunkRow) => {
        const row = this.#roomsById.get(chunk.roomId)!;
        touched.add(row);
        return row;
      };
      const cut = this.#dropOldest(this.#sql.oldestChunks.iterate(), () => this.#bytes > maxTotalBytes, roomOf);
      if (cut.wholeThrough !== undefined) this.#sql.deleteChunksThroughId.run(cut.wholeThrough.id);
      if (cut.partial !== undefined) this.#sql.updateChunk.run(cut.partial.keptFrom, cut.partial.events, cut.partial.bytes, cut.partial.id);
    }
    for (const row of touched) {
      if (row.events > 0) {
        this.#sql.updateRoom.run(row.epoch, row.topSeq, row.droppedThrough, row.events, row.bytes, row.id);
        continue;
      }
      this.#sql.deleteRoom.run(row.id);
      this.#rooms.delete(row.name);
      this.#roomsById.delete(row.id);
    }
  }

  /**
   * Forgets the oldest kept events of `chunks` (oldest first) while `over()`: whole chunks, then maybe part of
   * one. Says what to delete and update, for after the iteration (SQLite reads a table better unchanged).
   * A chunk that goes whole is not decoded.
   */
  #dropOldest(
    chunks: Iterable<Row>,
    over: () => boolean,
    roomOf: (chunk: ChunkRow) => RoomRow,
  ): { wholeThrough?: ChunkRow; partial?: ChunkRow } {
    let wholeThrough: ChunkRow | undefined;
    for (const stored of chunks) {
      if (!over()) break;
      const chunk = stored as unknown as ChunkRow;
      const row = roomOf(chunk);
      this.#take(row, chunk.events, chunk.bytes);
      if (over()) {
        row.droppedThrough = Math.max(row.droppedThrough, chunk.lastSeq);
        wholeThrough = chunk;
        continue;
      }
      // Taking it all is too much: give it back and take its events one at a time, oldest first.
      this.#take(row, -chunk.events, -chunk.bytes);
      const decoded = decodeChunk(row.name, chunk.body);
      const partial = { ...chunk };
      while (over()) {
        const event = decoded[partial.keptFrom++]!;
        const weight = eventBytes(event);
        this.#take(row, 1, weight);
        row.droppedThrough = Math.max(row.droppedThrough, event.seq);
        partial.events--;
        partial.bytes -= weight;
      }
      return partial.events === 0 ? { wholeThrough: chunk } : { wholeThrough, partial };
    }
    return { wholeThrough };
  }

  /** The room's row, made for its first event and given the event's epoch if that is new. */
  #roomFor(event: StoredRoomEvent): RoomRow {
    let row = this.#rooms.get(event.room);
    if (row !== undefined && row.epoch === event.epoch) return row;
    if (row === undefined) {
      const id = Number(this.#sql.insertRoom.run(event.room, event.epoch, event.seq - 1).lastInsertRowid);
      row = { id, name: event.room, epoch: event.epoch, topSeq: 0, droppedThrough: event.seq - 1, events: 0, bytes: 0 };
      this.#rooms.set(row.name, row);
      this.#roomsById.set(id, row);
    }
    // Nothing before an epoch's first event belongs to it: resuming it from earlier is a gap.
    row.epoch = event.epoch;
    row.droppedThrough = event.seq - 1;
    return row;
  }

  /** Takes `events` weighing `bytes` from the room's figures and the totals (negative: gives them back). */
  #take(row: RoomRow, events: number, bytes: number): void {
    row.events -= events;
    row.bytes -= bytes;
    this.#events -= events;
    this.#bytes -= bytes;
  }

  #loadRooms(): void {
    this.#rooms.clear();
    this.#roomsById.clear();
    this.#events = 0;
    this.#bytes = 0;
    for (const stored of this.#sql.allRooms.all()) {
      const row = stored as unknown as RoomRow;
      this.#rooms.set(row.name, row);
      this.#roomsById.set(row.id, row);
      this.#events += row.events;
      this.#bytes += row.bytes;
    }
  }

  #transaction(work: () => void): void {
    this.#db.exec('BEGIN');
    try {
      work();
      this.#db.exec('COMMIT');
    } catch (error) {
      if (this.#db.isTransaction) this.#db.exec('ROLLBACK');
      throw error;
    }
  }
}

function openDatabase(file: string): DatabaseSync {
  let db: DatabaseSync | undefined;
  try {
    db = new DatabaseSync(file, { timeout: 0 });
    db.exec('PRAGMA locking_mode = EXCLUSIVE');
    const mode = db.prepare('PRAGMA journal_mode = WAL').get()?.journal_mode;
    if (mode !== 'wal') throw new Error(`journal_mode is ${String(mode)}, not wal`);
    db.exec('PRAGMA synchronous = NORMAL; PRAGMA journal_size_limit = 67108864');
    return db;
  } catch (error) {
    db?.close();
    throw describeOpenError(error, file);
  }
}

/** SQLite's error, said in terms of what the person starting the server can do about it. */
function describeOpenError(error: unknown, file: string): Error {
  const code = (error as { errcode?: number }).errcode;
  const said = (error as Error).message;
  // Result codes: SQLITE_BUSY 5, SQLITE_CORRUPT 11, SQLITE_NOTADB 26.
  if (code === 5) return new Error(`${file} is in use by another process (another roomcast with this --data-dir?)`, { cause: error });
  if (code === 11 || code === 26) {
    return new Error(`${file} is damaged or not a database (SQLite: ${said}): move it away to start empty, or restore a backup`, {
      cause: error,
    });
  }
  if (said.startsWith(file)) return error as Error; // already said in these terms (sqlite-schema.ts)
  return new Error(`cannot open ${file}: ${said}`, { cause: error });
}

function prepareStatements(db: DatabaseSync) {
  const statement = (sql: string): StatementSync => db.prepare(sql);
  return {
    getOpenMark: statement(`SELECT value FROM meta WHERE key = 'open'`),
    setOpenMark: statement(`INSERT OR REPLACE INTO meta (key, value) VALUES ('open', ?)`),
    clearOpenMark: statement(`DELETE FROM meta WHERE key = 'open'`),
    insertAccount: statement(
      'INSERT OR IGNORE INTO accounts (nick_key, nick, password_hash, operator, created_at_ms) VALUES (?, ?, ?, ?, ?)',
    ),
    getAccount: statement(
      'SELECT nick, password_hash AS passwordHash, operator, created_at_ms AS createdAtMs FROM accounts WHERE nick_key = ?',
    ),
    setPassword: statement('UPDATE accounts SET password_hash = ? WHERE nick_key = ?'),
    setOperator: statement('UPDATE accounts SET operator = ? WHERE nick_key = ?'),
    allRooms: statement('SELECT id, name, epoch, top_seq AS topSeq, dropped_through AS droppedThrough, events, bytes FROM rooms'),
    roomIds: statement('SELECT id FROM rooms'),
    startEpoch: statement('UPDATE rooms SET epoch = ?, dropped_through = top_seq WHERE id = ?'),
    insertRoom: statement('INSERT INTO rooms (name, epoch, top_seq, dropped_through, events, bytes) VALUES (?, ?, 0, ?, 0, 0)'),
    updateRoom: statement('UPDATE rooms SET epoch = ?, top_seq = ?, dropped_through = ?, events = ?, bytes = ? WHERE id = ?'),
    deleteRoom: statement('DELETE FROM rooms WHERE id = ?'),
    insertChunk: statement('INSERT INTO chunks (room_id, last_seq, kept_from, events, bytes, body) VALUES (?, ?, 0, ?, ?, ?)'),
    updateChunk: statement('UPDATE chunks SET kept_from = ?, events = ?, bytes = ? WHERE id = ?'),
    chunksOfRoom: statement(`SELECT ${chunkColumns} FROM chunks WHERE room_id = ? ORDER BY last_seq`),
    deleteRoomChunksThrough: statement('DELETE FROM chunks WHERE room_id = ? AND last_seq <= ?'),
    oldestChunks: statement(`SELECT ${chunkColumns} FROM chunks ORDER BY id`),
    deleteChunksThroughId: statement('DELETE FROM chunks WHERE id <= ?'),
    chunksOfRoomNewestFirst: statement('SELECT kept_from AS keptFrom, body FROM chunks WHERE room_id = ? ORDER BY last_seq DESC'),
    chunksOfRoomAfter: statement('SELECT kept_from AS keptFrom, body FROM chunks WHERE room_id = ? AND last_seq > ? ORDER BY last_seq'),
  };
}
