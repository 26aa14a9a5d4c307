// MemoryStore and SqliteStore, given the same random appends, flushes, clean restarts and reads under tight
// bounds, answer every read the same: the conformance suite's examples, generalised by fast-check.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import fc from 'fast-check';
import type { HistoryRetention } from '../../src/store/history-store.ts';
import { MemoryStore } from '../../src/store/memory-store.ts';
import { SqliteStore } from '../../src/store/sqlite-store.ts';
import type { Store } from '../../src/store/store.ts';

const root = mkdtempSync(path.join(tmpdir(), 'roomcast-store-equivalence-'));
after(() => rmSync(root, { recursive: true, force: true }));
let runs = 0;

const rooms = ['a', 'b', 'c'];
const room = fc.nat({ max: rooms.length - 1 });
const operation = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.record({
      op: fc.constant('append' as const),
      room,
      step: fc.integer({ min: 1, max: 3 }),
      newEpoch: fc.nat({ max: 9 }).map((n) => n === 0),
      text: fc.string({ maxLength: 40, unit: fc.constantFrom('x', 'é', '✓', ' ') }),
    }),
  },
  // More than a chunk's worth of one room in one flush.
  { weight: 1, arbitrary: fc.record({ op: fc.constant('burst' as const), room, count: fc.integer({ min: 60, max: 140 }) }) },
  { weight: 2, arbitrary: fc.constant({ op: 'flush' as const }) },
  { weight: 1, arbitrary: fc.constant({ op: 'restart' as const }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('readLast' as const), room, count: fc.nat({ max: 10 }) }) },
  {
    weight: 3,
    arbitrary: fc.record({
      op: fc.constant('readAfter' as const),
      room,
      // Any epoch the room had, any seq up to one past its newest: picked modulo what there is.
      epochPick: fc.nat(),
      seqPick: fc.nat(),
      max: fc.nat({ max: 10 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('position' as const), room }) },
);
const retention: fc.Arbitrary<HistoryRetention> = fc.oneof(
  fc.record({
    maxEventsPerRoom: fc.integer({ min: 1, max: 8 }),
    maxBytesPerRoom: fc.integer({ min: 40, max: 400 }),
    maxTotalBytes: fc.integer({ min: 40, max: 1000 }),
  }),
  fc.record({
    maxEventsPerRoom: fc.integer({ min: 1, max: 200 }),
    maxBytesPerRoom: fc.integer({ min: 40, max: 10_000 }),
    maxTotalBytes: fc.integer({ min: 40, max: 20_000 }),
  }),
);

test('MemoryStore and SqliteStore answer every read the same, whatever the appends, bounds and flushes', () => {
  fc.assert(
    fc.property(
      retention,
      fc.oneof(fc.integer({ min: 1, max: 6 }), fc.constant(4096)), // a burst flushed piecemeal, or whole
      fc.array(operation, { maxLength: 60 }),
      (bounds, maxQueuedEvents, operations) => {
        const dataDir = path.join(root, `run-${++runs}`);
        const memory = new MemoryStore({ retention: bounds, maxQueuedEvents });
        let sqlite: Store = new SqliteStore({ dataDir, retention: bounds, maxQueuedEvents });
        // The caller's numbering, as a coordinator keeps it: each room's epoch (and the ones before) and last seq.
        const numbering = rooms.map((name) => ({ name, epochs: [`${name}0`], seq: 0 }));
        let epochs = 0;
        try {
          for (const step of operations) {
            const both = <T>(read: (store: Store) => T): void => assert.deepEqual(read(sqlite), read(memory), JSON.stringify(step));
            if (step.op === 'burst') {
              const numbered = numbering[step.room]!;
              for (let i = 0; i < step.count; i++) {
                numbered.seq++;
                const event = {
                  room: numbered.name,
                  epoch: numbered.epochs.at(-1)!,
                  seq: numbered.seq,
                  kind: 'say' as const,
                  nick: 'n',
                  text: `${i}`,
                  timeMs: numbered.seq,
                };
                memory.append(event);
                sqlite.append(event);
              }
            } else if (step.op === 'append') {
              const numbered = numbering[step.room]!;
              if (step.newEpoch) numbered.epochs.push(`${numbered.name}${++epochs}`);
              numbered.seq += step.step;
              const event = {
                room: numbered.name,
                epoch: numbered.epochs.at(-1)!,
                seq: numbered.seq,
                kind: 'say' as const,
                nick: 'n',
                text: step.text,
                timeMs: numbered.seq,
              };
              memory.append(event);
              sqlite.append(event);
              assert.equal(sqlite.queued, memory.queued);
            } else if (step.op === 'flush') {
              assert.equal(sqlite.flush(), memory.flush());
            } else if (step.op === 'restart') {
              sqlite.close(); // which writes the queue, as a flush does
              memory.flush();
              sqlite = new SqliteStore({ dataDir, retention: bounds, maxQueuedEvents });
            } else if (step.op === 'readLast') {
              both((store) => store.readLast(rooms[step.room]!, step.count));
            } else if (step.op === 'readAfter') {
              const numbered = numbering[step.room]!;
              const after = { epoch: numbered.epochs[step.epochPick % numbered.epochs.length]!, seq: step.seqPick % (numbered.seq + 2) };
              both((store) => store.readAfter(numbered.name, after, step.max));
            } else {
              both((store) => store.position(rooms[step.room]!));
            }
          }
          assert.deepEqual(sqlite.usage(), memory.usage());
        } finally {
          sqlite.close();
          rmSync(dataDir, { recursive: true, force: true });
        }
      },
    ),
    { numRuns: 500 },
  );
});
