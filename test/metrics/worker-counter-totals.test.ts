// Whole-server worker counters across worker restarts: they never fall, and a dead worker's counts are
// neither lost (up to when it was last seen) nor counted twice.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { WorkerCounterTotals } from '../../src/metrics/worker-counter-totals.ts';

const worker = (workerId: number, messagesIn: number, kicks: number) => ({ workerId, messagesIn, kicks });

test('totals are the sum over live workers while none dies', () => {
  const totals = new WorkerCounterTotals(['messagesIn', 'kicks']);
  assert.deepEqual(totals.update([worker(1, 5, 1), worker(2, 7, 0)]), { messagesIn: 12, kicks: 1 });
  assert.deepEqual(totals.update([worker(1, 6, 1), worker(2, 9, 2)]), { messagesIn: 15, kicks: 3 });
});

test("a dead worker's last-seen counts stay in the totals once its replacement starts from zero", () => {
  const totals = new WorkerCounterTotals(['messagesIn', 'kicks']);
  totals.update([worker(1, 5, 1), worker(2, 7, 0)]);
  // Worker 1 died; its replacement, worker 3, is not up yet.
  assert.deepEqual(totals.update([worker(2, 8, 0)]), { messagesIn: 13, kicks: 1 });
  assert.deepEqual(totals.update([worker(2, 8, 0), worker(3, 0, 0)]), { messagesIn: 13, kicks: 1 });
  assert.deepEqual(totals.update([worker(2, 9, 0), worker(3, 4, 2)]), { messagesIn: 18, kicks: 3 });
  // Worker 1 is retired once, not on every later snapshot.
  assert.deepEqual(totals.update([worker(2, 9, 0), worker(3, 4, 2)]), { messagesIn: 18, kicks: 3 });
});

test('every worker dying at once still leaves the totals where they were', () => {
  const totals = new WorkerCounterTotals(['messagesIn']);
  totals.update([{ workerId: 1, messagesIn: 3 }]);
  assert.deepEqual(totals.update([]), { messagesIn: 3 });
  assert.deepEqual(totals.update([{ workerId: 2, messagesIn: 1 }]), { messagesIn: 4 });
});
