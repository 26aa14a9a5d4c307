// SqliteStore keeps a room's events from one flush in chunks of up to 64 per row: a row costs a few
// microseconds to write whatever it holds, so a row per event would cost more than the rest of a message's
// delivery. The body is a JSON array of tuples, in seq order, without the room (the row names it).
import type { StoredRoomEvent } from './history-store.ts';

type EventTuple = [epoch: string, seq: number, kind: StoredRoomEvent['kind'], nick: string, text: string, timeMs: number];

export function encodeChunk(events: readonly StoredRoomEvent[]): string {
  return JSON.stringify(events.map((event): EventTuple => [event.epoch, event.seq, event.kind, event.nick, event.text, event.timeMs]));
}

export function decodeChunk(room: string, body: string): StoredRoomEvent[] {
  return (JSON.parse(body) as EventTuple[]).map(([epoch, seq, kind, nick, text, timeMs]) => ({
    room,
    epoch,
    seq,
    kind,
    nick,
    text,
    timeMs,
  }));
}
