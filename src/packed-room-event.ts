// Room events cross threads packed as tuples (see PackedRoomEvent; the coordinator makes them so) and are
// unpacked on arrival, so workers read named fields while the hot path's structured clone skips names.
import type { PackedRoomEvent, RoomEvent } from './thread-messages.ts';

export function unpackRoomEvent([room, seq, kind, nick, text, timeMs]: PackedRoomEvent): RoomEvent {
  return { room, seq, kind, nick, text, timeMs };
}
