// WriteBatcher: outputs queued in a turn are flushed once at its end; with a write delay, everything
// queued over several turns until the worker's one timer fires is flushed together.
import assert from 'node:assert/strict';
import { mock, test } from 'node:test';
import { EndOfTurn } from '../src/end-of-turn.ts';
import { WriteBatcher } from '../workers/connection/write-batcher.ts';

/** An end-of-turn whose turns the test ends by hand. */
function manualTurns(): { turn: EndOfTurn; endTurn(): void } {
  let pending: (() => void) | undefined;
  const turn = new EndOfTurn((run) => (pending = run));
  return {
    turn,
    endTurn() {
      const run = pending;
      pending = undefined;
      run?.();
    },
  };
}

function flushCounter(): { flush(): void; flushes: number } {
  return {
    flushes: 0,
    flush() {
      this.flushes++;
    },
  };
}

test('without a delay every output queued in a turn is flushed at its end', () => {
  const { turn, endTurn } = manualTurns();
  const batcher = new WriteBatcher(turn);
  const a = flushCounter();
  const b = flushCounter();
  batcher.markDirty(a);
  batcher.markDirty(b);
  endTurn();
  assert.deepEqual([a.flushes, b.flushes], [1, 1]);
  batcher.markDirty(a);
  endTurn();
  assert.deepEqual([a.flushes, b.flushes], [2, 1]);
});

test('with a delay, outputs queued over several turns wait for the one timer and are flushed together in its turn', (t) => {
  mock.timers.enable({ apis: ['setTimeout'] });
  t.after(() => mock.timers.reset());
  const { turn, endTurn } = manualTurns();
  const batcher = new WriteBatcher(turn, 50);
  const a = flushCounter();
  const b = flushCounter();
  batcher.markDirty(a);
  endTurn();
  mock.timers.tick(30);
  batcher.markDirty(b);
  endTurn();
  assert.deepEqual([a.flushes, b.flushes], [0, 0], 'nothing is written before the delay has passed');
  mock.timers.tick(20);
  endTurn();
  assert.deepEqual([a.flushes, b.flushes], [1, 1], 'both go out in the timer’s turn');
  batcher.markDirty(a);
  mock.timers.tick(49);
  endTurn();
  assert.equal(a.flushes, 1, 'the next output starts a new delay');
  mock.timers.tick(1);
  endTurn();
  assert.equal(a.flushes, 2);
});
