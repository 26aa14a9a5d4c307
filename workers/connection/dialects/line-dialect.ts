// The line protocol: what the seed client and the terminal client speak (docs/protocol.md).
import { renderLines } from '../../../src/protocol/room-event-lines.ts';
import type { RoomEventEncoder } from '../room-line-run.ts';

/** Runs of room events as line-protocol bytes: one Buffer for every line-protocol member of the room. */
export const lineRoomEncoder: RoomEventEncoder = {
  encode: (events) => Buffer.from(renderLines(events)),
};
