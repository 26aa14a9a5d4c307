import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import type { SequencedEvent } from '../../src/bus/bus.ts';
import { LiveReorder } from '../../src/bus/live-reorder.ts';

const event = (seq: number, prevSeq: number): SequencedEvent => ({
  kind: 'say',
  nick: 'al',
  text: String(seq),
  timeMs: 0,
  node: 'n',
  connectionId: 1,
  room: 'lobby',
  epoch: 'e',
  seq,
  prevSeq,
});
const seqs = (events: SequencedEvent[]) => events.map((e) => e.seq);

describe('LiveReorder', () => {
  test('passes events in order straight through', () => {
    const reorder = new LiveReorder();
    assert.deepEqual(seqs(reorder.accept(event(3, 1))), [3]);
    assert.deepEqual(seqs(reorder.accept(event(5, 3))), [5]);
    assert.equal(reorder.holding, false);
  });

  test('holds an event until its predecessor passes, then both go in order', () => {
    const reorder = new LiveReorder();
    reorder.accept(event(3, 1));
    assert.deepEqual(seqs(reorder.accept(event(7, 5))), []);
    assert.equal(reorder.holding, true);
    assert.deepEqual(seqs(reorder.accept(event(5, 3))), [5, 7]);
    assert.equal(reorder.holding, false);
    assert.deepEqual(reorder.release(), []);
  });

  test('a predecessor that never comes: release hands on the held events, oldest first, gap showing', () => {
    const reorder = new LiveReorder();
    reorder.accept(event(1, 0));
    reorder.accept(event(9, 8));
    reorder.accept(event(8, 6));
    assert.deepEqual(
      reorder.release().map((e) => [e.seq, e.prevSeq]),
      [
        [8, 6],
        [9, 8],
      ],
    );
    assert.deepEqual(seqs(reorder.accept(event(10, 9))), [10]);
  });

  test("seeded with the room's last event, it orders even the first two", () => {
    const reorder = new LiveReorder(0);
    assert.deepEqual(seqs(reorder.accept(event(2, 1))), []);
    assert.deepEqual(seqs(reorder.accept(event(1, 0))), [1, 2]);
  });

  test('repeats pass through for the coordinator to drop', () => {
    const reorder = new LiveReorder();
    reorder.accept(event(4, 2));
    assert.deepEqual(seqs(reorder.accept(event(4, 2))), [4]);
    assert.deepEqual(seqs(reorder.accept(event(6, 4))), [6]);
  });

  test('any swap of neighbours comes out in stream order', () => {
    fc.assert(
      fc.property(fc.array(fc.boolean(), { minLength: 2, maxLength: 60 }), (swaps) => {
        const stream = swaps.map((_, i) => event(2 * i + 2, 2 * i));
        const arrival = [...stream];
        for (let i = 0; i < arrival.length - 1; i += 2) {
          if (swaps[i]) [arrival[i], arrival[i + 1]] = [arrival[i + 1]!, arrival[i]!];
        }
        const reorder = new LiveReorder(0);
        const out = arrival.flatMap((e) => reorder.accept(e));
        assert.deepEqual(seqs(out), seqs(stream));
      }),
    );
  });
});
