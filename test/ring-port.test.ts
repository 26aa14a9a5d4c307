// A ring channel's two ends in one thread: ops of every kind (ring-encoded, or by the port when rare
// or too big for a record) arrive in the order sent, one batch per sending turn, also when the ring was
// full and the sender held ops; a closed sender drops what it holds and never waits for the reader.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { MessageChannel } from 'node:worker_threads';
import fc from 'fast-check';
import { EndOfTurn } from '../src/end-of-turn.ts';
import { workerOpCodec } from '../src/ring-op-codecs.ts';
import { RingReceiver, RingSender } from '../src/ring-port.ts';
import { SpscRing } from '../src/spsc-ring.ts';
import type { WorkerOp } from '../src/thread-messages.ts';
import { waitUntil } from './helpers/wait-until.ts';

/** Ops with Object's prototype, as the threads make them (fc.record may make null-prototype ones). */
const plain = { noNullPrototype: true };

const op: fc.Arbitrary<WorkerOp> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record(
      {
        type: fc.constant('say' as const),
        connectionId: fc.nat(),
        room: fc.constant('lobby'),
        kind: fc.constant('say' as const),
        text: fc.string({ maxLength: 200 }),
      },
      plain,
    ),
  },
  {
    weight: 1,
    arbitrary: fc.record({ type: fc.constant('join' as const), connectionId: fc.nat(), room: fc.string({ maxLength: 10 }) }, plain),
  },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('ack' as const), units: fc.nat() }, plain) },
  // Longer than a record of a 1 KiB ring may be: it crosses by the port.
  {
    weight: 1,
    arbitrary: fc.record(
      {
        type: fc.constant('say' as const),
        connectionId: fc.nat(),
        room: fc.constant('big'),
        kind: fc.constant('me' as const),
        text: fc.constant('x'.repeat(400)),
      },
      plain,
    ),
  },
);

function channel(ringBytes: number, onBatch: (ops: WorkerOp[]) => void) {
  const ring = SpscRing.allocate(ringBytes);
  const { port1, port2 } = new MessageChannel();
  const sender = new RingSender<WorkerOp>(new SpscRing(ring), port1, workerOpCodec, new EndOfTurn());
  const receiver = new RingReceiver<WorkerOp>(new SpscRing(ring), port2, workerOpCodec, onBatch);
  const close = () => {
    sender.close();
    receiver.close();
    port1.close();
  };
  return { sender, close };
}

describe('RingSender and RingReceiver', () => {
  test('every op arrives in the order sent, across turns, through a 1 KiB ring that fills', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.array(op, { maxLength: 60 }), { minLength: 1, maxLength: 8 }), async (turns) => {
        const received: WorkerOp[] = [];
        const { sender, close } = channel(1024, (ops) => received.push(...ops));
        try {
          const sent = turns.flat();
          for (const turn of turns) {
            for (const each of turn) sender.send(each);
            await new Promise((resolve) => setImmediate(resolve));
          }
          await waitUntil(
            () => received.length >= sent.length,
            10_000,
            () => `${sent.length} ops, got ${received.length}`,
          );
          assert.deepEqual(received, sent);
        } finally {
          close();
        }
      }),
      { numRuns: 60 },
    );
  });

  test('ops sent in one turn are read as one batch, after the turn', async () => {
    const batches: WorkerOp[][] = [];
    const { sender, close } = channel(1 << 16, (ops) => batches.push(ops));
    try {
      for (let i = 0; i < 100; i++) sender.send({ type: 'say', connectionId: i, room: 'lobby', kind: 'say', text: 'hi' });
      assert.equal(batches.length, 0, 'nothing is visible before the end of the turn');
      await waitUntil(() => batches.length > 0, 5000, 'the batch');
      assert.deepEqual(
        batches.map((batch) => batch.length),
        [100],
      );
    } finally {
      close();
    }
  });

  test('a closed sender drops what it held for a full ring and sends nothing more', async () => {
    const received: WorkerOp[] = [];
    const ring = SpscRing.allocate(1024);
    const { port1, port2 } = new MessageChannel();
    const sender = new RingSender<WorkerOp>(new SpscRing(ring), port1, workerOpCodec, new EndOfTurn());
    for (let i = 0; i < 200; i++) sender.send({ type: 'ack', units: i });
    assert.ok(sender.held > 0, 'a reader that never reads leaves the sender holding ops');
    sender.close();
    assert.equal(sender.held, 0);
    sender.send({ type: 'ack', units: -1 });
    assert.equal(sender.held, 0);
    // A reader that comes late finds only what fit before the ring filled, in order.
    const receiver = new RingReceiver<WorkerOp>(new SpscRing(ring), port2, workerOpCodec, (ops) => received.push(...ops));
    try {
      await waitUntil(() => received.length > 0, 5000, 'the ops that fit');
      assert.deepEqual(
        received,
        received.map((_, i) => ({ type: 'ack', units: i })),
      );
      assert.ok(received.length < 200);
    } finally {
      receiver.close();
      port1.close();
    }
  });
});
