// The hot ops' ring encoding: any say, room line and ack comes back equal, never longer than maxBytes
// promised, whatever its text (any Unicode) and numbers; the other ops are left to the port.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import type { RingCodec } from '../src/ring-port.ts';
import { coordinatorOpCodec, workerOpCodec } from '../src/ring-op-codecs.ts';
import { SpscRing } from '../src/spsc-ring.ts';
import type { CoordinatorOp, PackedRoomEvent, WorkerOp } from '../src/thread-messages.ts';

/** Ops with Object's prototype, as the threads make them (fc.record may make null-prototype ones). */
const plain = { noNullPrototype: true };

const text = fc.string({ unit: 'grapheme', maxLength: 300 });
const connectionId = fc.integer({ min: 0, max: 2 ** 31 - 1 });

const say: fc.Arbitrary<WorkerOp> = fc.record(
  {
    type: fc.constant('say' as const),
    connectionId,
    room: fc.string({ maxLength: 32 }),
    kind: fc.constantFrom('say' as const, 'me' as const),
    text,
  },
  plain,
);
const workerAck: fc.Arbitrary<WorkerOp> = fc.record(
  { type: fc.constant('ack' as const), units: fc.integer({ min: 0, max: 2 ** 31 - 1 }) },
  plain,
);

const event: fc.Arbitrary<PackedRoomEvent> = fc.tuple(
  fc.string({ maxLength: 32 }),
  fc.maxSafeNat(),
  fc.constantFrom('say' as const, 'me' as const, 'join' as const, 'part' as const, 'quit' as const, 'rename' as const),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  text,
  fc.integer({ min: 0, max: 2 ** 45 }),
);
const deliver: fc.Arbitrary<CoordinatorOp> = fc.record({ type: fc.constant('deliver' as const), event }, plain);
const coordinatorAck: fc.Arbitrary<CoordinatorOp> = fc.record(
  {
    type: fc.constant('ack' as const),
    units: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
  },
  plain,
);

/** Encodes `op` into a fresh record of `ring` and decodes it back, checking the length against maxBytes. */
function roundTrip<Op>(codec: RingCodec<Op>, ring: SpscRing, op: Op): Op {
  const maxBytes = codec.maxBytes(op);
  const at = ring.reserve(maxBytes);
  assert.ok(at >= 0);
  const length = codec.encode(op, ring, at);
  assert.ok(length >= 1 && length <= maxBytes, `${length} bytes within the promised ${maxBytes}`);
  ring.commit(length);
  ring.publish();
  let decoded: Op | undefined;
  ring.read((readAt, readLength) => (decoded = codec.decode(ring, readAt, readLength)));
  return decoded!;
}

describe('ring op codecs', () => {
  test('a worker’s say or ack comes back equal', () => {
    const ring = new SpscRing(SpscRing.allocate(1 << 16));
    fc.assert(
      fc.property(fc.oneof(say, workerAck), (op) => assert.deepEqual(roundTrip(workerOpCodec, ring, op), op)),
      { numRuns: 2000 },
    );
  });

  test('a room line or an ack from the coordinator comes back equal', () => {
    const ring = new SpscRing(SpscRing.allocate(1 << 16));
    fc.assert(
      fc.property(fc.oneof(deliver, coordinatorAck), (op) => assert.deepEqual(roundTrip(coordinatorOpCodec, ring, op), op)),
      { numRuns: 2000 },
    );
  });

  test('every other op crosses by the port', () => {
    const workerOps: WorkerOp[] = [
      { type: 'hello', connectionId: 1, nick: 'ann', room: 'lobby', address: '127.0.0.1' },
      { type: 'join', connectionId: 1, room: 'lobby' },
      { type: 'drain' },
    ];
    for (const op of workerOps) assert.equal(workerOpCodec.maxBytes(op), -1, op.type);
    const coordinatorOps: CoordinatorOp[] = [{ type: 'overload', on: true }, { type: 'left', connectionId: 1 }, { type: 'drained' }];
    for (const op of coordinatorOps) assert.equal(coordinatorOpCodec.maxBytes(op), -1, op.type);
  });
});
