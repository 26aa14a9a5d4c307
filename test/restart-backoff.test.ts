// Restart delays for a worker slot: doubling while workers die early, capped, and starting over once a
// worker has stayed up long enough to count as healthy.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RestartBackoff } from '../src/acceptor/restart-backoff.ts';

test('workers that die while starting are restarted after doubling delays, up to the cap', () => {
  const backoff = new RestartBackoff(100, 1000, 10_000);
  assert.deepEqual(
    Array.from({ length: 7 }, () => backoff.nextDelayMs(0)),
    [100, 200, 400, 800, 1000, 1000, 1000],
  );
});

test('a worker that stayed up for the stable time starts the delays over; a shorter life does not', () => {
  const backoff = new RestartBackoff(100, 30_000, 10_000);
  backoff.nextDelayMs(0);
  backoff.nextDelayMs(0);
  assert.equal(backoff.nextDelayMs(9_999), 400);
  assert.equal(backoff.nextDelayMs(10_000), 100);
  assert.equal(backoff.nextDelayMs(50), 200);
});
