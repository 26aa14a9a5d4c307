// How the hot ops are written into a ring (ring-port.ts): a worker's `say` and a coordinator's room line
// (`deliver`), and the `ack` of flow control both ways, as a few 32-bit fields and UTF-8 text. Every
// other op returns -1 from maxBytes and crosses by the port, in its place in the order.
//
// A record's payload starts 8-aligned, so fields are read and written through the ring's Int32Array
// and Float64Array at (byte offset / 4) and (/ 8). The first field is a tag (low byte) and, for a room
// line or a say, its kind (next byte); the last string of a record runs to its end.
import type { RingCodec } from './ring-port.ts';
import type { SpscRing } from './spsc-ring.ts';
import type { CoordinatorOp, PackedRoomEvent, RoomEventKind, WorkerOp } from './thread-messages.ts';

const sayTag = 1;
const deliverTag = 2;
const ackTag = 3;

const eventKinds: readonly RoomEventKind[] = ['say', 'me', 'join', 'part', 'quit', 'rename'];
const eventKindIndex = new Map(eventKinds.map((kind, index) => [kind, index]));

/** UTF-8 takes at most 3 bytes for each UTF-16 code unit. */
const maxUtf8Bytes = (text: string): number => 3 * text.length;

/** `say`: tag and kind, connectionId, room's byte length; then the room and the text. */
const sayFieldBytes = 12;
/** `deliver`: tag and kind, room's and nick's byte lengths, padding, seq, timeMs; then room, nick, text. */
const deliverFieldBytes = 32;
const ackBytes = 8;

function encodeAck(units: number, ring: SpscRing, at: number): number {
  const field = at >> 2;
  ring.int32[field] = ackTag;
  ring.int32[field + 1] = units;
  return ackBytes;
}

export const workerOpCodec: RingCodec<WorkerOp> = {
  maxBytes(op) {
    if (op.type === 'say') return sayFieldBytes + maxUtf8Bytes(op.room) + maxUtf8Bytes(op.text);
    if (op.type === 'ack') return ackBytes;
    return -1;
  },
  encode(op, ring, at) {
    if (op.type === 'ack') return encodeAck(op.units, ring, at);
    if (op.type !== 'say') throw new TypeError(`${op.type} crosses by the port`);
    const field = at >> 2;
    const roomBytes = ring.bytes.write(op.room, at + sayFieldBytes);
    const textBytes = ring.bytes.write(op.text, at + sayFieldBytes + roomBytes);
    ring.int32[field] = sayTag | ((op.kind === 'me' ? 1 : 0) << 8);
    ring.int32[field + 1] = op.connectionId;
    ring.int32[field + 2] = roomBytes;
    return sayFieldBytes + roomBytes + textBytes;
  },
  decode(ring, at, length) {
    const field = at >> 2;
    const head = ring.int32[field]!;
    if ((head & 0xff) === ackTag) return { type: 'ack', units: ring.int32[field + 1]! };
    const roomEnd = at + sayFieldBytes + ring.int32[field + 2]!;
    return {
      type: 'say',
      connectionId: ring.int32[field + 1]!,
      room: ring.bytes.toString('utf8', at + sayFieldBytes, roomEnd),
      kind: head >> 8 === 1 ? 'me' : 'say',
      text: ring.bytes.toString('utf8', roomEnd, at + length),
    };
  },
};

export const coordinatorOpCodec: RingCodec<CoordinatorOp> = {
  maxBytes(op) {
    if (op.type === 'deliver') {
      const [room, , , nick, text] = op.event;
      return deliverFieldBytes + maxUtf8Bytes(room) + maxUtf8Bytes(nick) + maxUtf8Bytes(text);
    }
    if (op.type === 'ack') return ackBytes;
    return -1;
  },
  encode(op, ring, at) {
    if (op.type === 'ack') return encodeAck(op.units, ring, at);
    if (op.type !== 'deliver') throw new TypeError(`${op.type} crosses by the port`);
    const [room, seq, kind, nick, text, timeMs] = op.event;
    const field = at >> 2;
    const roomBytes = ring.bytes.write(room, at + deliverFieldBytes);
    const nickBytes = ring.bytes.write(nick, at + deliverFieldBytes + roomBytes);
    const textBytes = ring.bytes.write(text, at + deliverFieldBytes + roomBytes + nickBytes);
    ring.int32[field] = deliverTag | (eventKindIndex.get(kind)! << 8);
    ring.int32[field + 1] = roomBytes;
    ring.int32[field + 2] = nickBytes;
    ring.float64[(at >> 3) + 2] = seq;
    ring.float64[(at >> 3) + 3] = timeMs;
    return deliverFieldBytes + roomBytes + nickBytes + textBytes;
  },
  decode(ring, at, length) {
    const field = at >> 2;
    const head = ring.int32[field]!;
    if ((head & 0xff) === ackTag) return { type: 'ack', units: ring.int32[field + 1]! };
    const roomEnd = at + deliverFieldBytes + ring.int32[field + 1]!;
    const nickEnd = roomEnd + ring.int32[field + 2]!;
    const event: PackedRoomEvent = [
      ring.bytes.toString('utf8', at + deliverFieldBytes, roomEnd),
      ring.float64[(at >> 3) + 2]!,
      eventKinds[head >> 8]!,
      ring.bytes.toString('utf8', roomEnd, nickEnd),
      ring.bytes.toString('utf8', nickEnd, at + length),
      ring.float64[(at >> 3) + 3]!,
    ];
    return { type: 'deliver', event };
  },
};
