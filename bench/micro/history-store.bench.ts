// Room events appended to SqliteStore and written by flush in batches of 1, 64 and 1024: what one
// transaction per event-loop turn buys over one per event. Steady state: rooms already at their bounds,
// so every flush also drops as many old events as it writes. MemoryStore, with the same bounds, is the
// reference for what the queue and retention cost without a disk.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { HistoryRetention, StoredRoomEvent } from '../../src/store/history-store.ts';
import { MemoryStore } from '../../src/store/memory-store.ts';
import { databaseFileName, SqliteStore } from '../../src/store/sqlite-store.ts';
import type { Store } from '../../src/store/store.ts';
import type { MicroTask, SuiteFactory } from './micro-suite.ts';

const retention: HistoryRetention = { maxEventsPerRoom: 1_000, maxBytesPerRoom: 256 * 1024, maxTotalBytes: 64 * 1024 * 1024 };
const manyRooms = Array.from({ length: 16 }, (_, i) => `room-${i}`);
const batchSizes = [1, 64, 1024];

/** Appends `count` events round the rooms, each room numbered on from its last. */
function appender(store: Store, rooms: readonly string[]): (count: number) => void {
  const seqs = new Map(rooms.map((room) => [room, 0]));
  let next = 0;
  return (count) => {
    for (let i = 0; i < count; i++) {
      const room = rooms[next++ % rooms.length]!;
      const seq = seqs.get(room)! + 1;
      seqs.set(room, seq);
      const event: StoredRoomEvent = {
        room,
        epoch: 'bench',
        seq,
        kind: 'say',
        nick: 'publisher',
        text: `message ${seq}, padded to a chat line's usual length`,
        timeMs: Date.now(),
      };
      store.append(event);
    }
  };
}

function batchTask(store: Store, label: string, rooms: readonly string[], batch: number, baseline?: string): MicroTask {
  const append = appender(store, rooms);
  append(rooms.length * retention.maxEventsPerRoom); // fill every room to its bound
  store.flush();
  return {
    name: `${label}, flush every ${batch}`,
    unit: 'appends',
    unitsPerOp: batch,
    baseline,
    fn: () => {
      append(batch);
      store.flush();
    },
  };
}

const open: SuiteFactory = async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'roomcast-history-bench-'));
  const stores = new Map<string, Store>();
  const sqlite = (name: string) => {
    const store = new SqliteStore({ dataDir: path.join(dir, name), retention, maxQueuedEvents: 4096 });
    stores.set(name, store);
    return store;
  };
  const memory = new MemoryStore({ retention });
  stores.set('memory', memory);
  const manyRoomsTask = (batch: number) =>
    batchTask(
      sqlite(`16-rooms-${batch}`),
      'sqlite, 16 rooms',
      manyRooms,
      batch,
      batch === 1 ? undefined : 'sqlite, 16 rooms, flush every 1',
    );
  // Scenario 1's shape: one busy room.
  const oneRoomTask = (batch: number) =>
    batchTask(sqlite(`1-room-${batch}`), 'sqlite, 1 room', ['lobby'], batch, batch === 1 ? undefined : 'sqlite, 1 room, flush every 1');
  return {
    concern: 'history store',
    tasks: [
      ...batchSizes.map(manyRoomsTask),
      ...batchSizes.map(oneRoomTask),
      batchTask(memory, 'memory, 16 rooms', manyRooms, 64, 'sqlite, 16 rooms, flush every 64'),
    ],
    async close() {
      // The file a store at its bounds settles at, against what its events weigh (event-bytes.ts).
      const measured = '16-rooms-64';
      const fileSize = (suffix: string) =>
        statSync(path.join(dir, measured, databaseFileName + suffix), { throwIfNoEntry: false })?.size ?? 0;
      const { events, bytes } = stores.get(measured)!.usage();
      const mib = (size: number) => `${(size / 2 ** 20).toFixed(2)} MiB`;
      process.stderr.write(
        `history store (16 rooms, flush every 64): ${events} events kept, ${mib(bytes)} of event bytes; ` +
          `roomcast.db ${mib(fileSize(''))} (${(fileSize('') / bytes).toFixed(2)}×), its log ${mib(fileSize('-wal'))}\n`,
      );
      for (const store of stores.values()) store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
};
export default open;
