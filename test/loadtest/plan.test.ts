import assert from 'node:assert/strict';
import { test } from 'node:test';
import { makePlan } from '../../bench/loadtest/plan.ts';

test('clients spread over rooms, shards and targets; publishers over rooms', () => {
  const plan = makePlan({ protocol: 'roomcast', clients: 10, rooms: 3, publishers: 4, threads: 2, targets: 2, runTag: 't' });
  assert.deepEqual(plan.roomNames, ['lt-t-r0', 'lt-t-r1', 'lt-t-r2']);
  assert.deepEqual(
    plan.shards.map((s) => s.length),
    [5, 5],
  );
  assert.deepEqual(plan.publisherRoom, [0, 1, 2, 0]);
  assert.deepEqual(plan.roomPublishers, [[0, 3], [1], [2]]);
  assert.deepEqual(plan.publisherLocalIndex, [0, 0, 0, 1]);
  const all = plan.shards.flat().sort((a, b) => a.id - b.id);
  assert.deepEqual(all[7], { id: 7, room: 1, target: 1, publisher: -1 });
});

test("rooms are the run's own (one room: lt-<tag>, or --room); brokers get namespaced subjects; no more shards than clients", () => {
  const one = { protocol: 'roomcast', clients: 2, rooms: 1, publishers: 1, threads: 1, targets: 1, runTag: 'ab' } as const;
  assert.deepEqual(makePlan(one).roomNames, ['lt-ab']);
  assert.deepEqual(makePlan({ ...one, room: 'lobby' }).roomNames, ['lobby']);
  assert.deepEqual(
    makePlan({ protocol: 'roomcast', clients: 1, rooms: 1, publishers: 1, threads: 4, targets: 1, runTag: 't' }).shards.length,
    1,
  );
  assert.deepEqual(makePlan({ protocol: 'nats', clients: 2, rooms: 1, publishers: 1, threads: 1, targets: 1, runTag: 'ab' }).roomNames, [
    'lt-ab',
  ]);
});

test('impossible shapes are refused', () => {
  assert.throws(() => makePlan({ protocol: 'seed', clients: 4, rooms: 2, publishers: 1, threads: 1, targets: 1, runTag: 't' }), RangeError);
  assert.throws(
    () => makePlan({ protocol: 'roomcast', clients: 2, rooms: 3, publishers: 1, threads: 1, targets: 1, runTag: 't' }),
    RangeError,
  );
  assert.throws(
    () => makePlan({ protocol: 'roomcast', clients: 2, rooms: 1, publishers: 3, threads: 1, targets: 1, runTag: 't' }),
    RangeError,
  );
});
