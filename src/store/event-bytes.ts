// What a stored event weighs for the retention bounds: the UTF-8 bytes of its strings plus a fixed share
// for its numbers and its row. Both stores count the same way, so a bound keeps the same events in each;
// the file on disk is larger by SQLite's page and index overhead (bench/micro/history-store.bench.ts
// prints how much).
import type { StoredRoomEvent } from './history-store.ts';

export const eventOverheadBytes = 32;

export function eventBytes(event: StoredRoomEvent): number {
  return eventOverheadBytes + Buffer.byteLength(event.nick) + Buffer.byteLength(event.text) + Buffer.byteLength(event.epoch);
}
