// Connection workers that fail: one that keeps failing to start is restarted with growing delays and is
// handed no socket until it is ready; one that dies holding a socket it never adopted counts a failed
// handoff; while no worker is ready a newcomer is told so in one line instead of being lost.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { LogRecord } from '../../harness/log-records.ts';
import { captureLog } from '../helpers/log-capture.ts';
import { LineClient } from '../helpers/line-client.ts';
import { startTestServer } from '../helpers/test-server.ts';
import { waitUntil, within } from '../helpers/wait-until.ts';

const isReady = (slot: number, generation: number) => (record: LogRecord) =>
  record.msg === 'connection worker ready' && record.slot === slot && record.generation === generation;

/** Connects and returns everything the server sends until it closes the connection. */
async function everythingUntilClose(port: number): Promise<string> {
  const client = await LineClient.connect(port);
  await client.waitForClose(5000);
  return client.lines.map((line) => `${line}\n`).join('');
}

test('a worker that keeps failing to start is restarted with doubling delays and handed no socket meanwhile', async (t) => {
  const { log, records } = captureLog();
  const server = await startTestServer(
    { workers: 2, testHooks: true, workerFaultsForTest: { slot: 0, failToStart: [1, 2, 3, 4], dieOnFirstSocket: [] } },
    log,
  );
  t.after(() => server.close());

  // Slot 0 is failing: every newcomer must go to slot 1, none to a worker that is only starting.
  const early = await Promise.all(Array.from({ length: 10 }, (_, i) => LineClient.joined(server.port, `early${i}`)));
  await waitUntil(() => records.some(isReady(0, 5)), 10_000, 'slot 0 to start its fifth worker');
  const restarts = records.filter((record) => record.msg === 'connection worker exited; restarting it');
  assert.deepEqual(
    restarts.map((record) => record.restartInMs),
    [100, 200, 400, 800],
  );

  // Once ready, slot 0 is the least loaded and takes the next newcomer.
  const late = await LineClient.joined(server.port, 'late');
  const stats = await server.server.stats();
  assert.deepEqual(stats.workers.map((worker) => worker.connections).toSorted(), [1, 10]);
  assert.equal(stats.acceptor.workerRestarts, 4);
  assert.equal(stats.acceptor.failedHandoffs, 0);
  for (const client of [...early, late]) client.close();
});

test('a worker that dies before adopting its socket counts a failed handoff; with no worker ready newcomers are refused', async (t) => {
  const { log, records } = captureLog();
  const server = await startTestServer(
    { workers: 1, testHooks: true, workerFaultsForTest: { slot: 0, failToStart: [2, 3], dieOnFirstSocket: [1] } },
    log,
  );
  t.after(() => server.close());

  const victim = await LineClient.connect(server.port);
  await victim.waitForClose(5000);
  assert.deepEqual(victim.lines, [], 'the worker died before it could greet');
  await waitUntil(
    () =>
      records.some(
        (record) =>
          record.msg === 'handoff failed: the worker died before adopting the socket' && (record.connectionIds as number[]).includes(1),
      ),
    5000,
    'the failed handoff to be logged',
  );

  // Its replacements fail to start: nobody can serve a newcomer, who is told so at once.
  assert.match(await everythingUntilClose(server.port), /^!! SERVER_UNAVAILABLE [^\n]*\n$/);

  await waitUntil(() => records.some(isReady(0, 4)), 10_000, 'slot 0 to start its fourth worker');
  const served = await LineClient.joined(server.port, 'served');
  const { acceptor } = await server.server.stats();
  assert.deepEqual(
    { failedHandoffs: acceptor.failedHandoffs, workerRestarts: acceptor.workerRestarts, refusedUnavailable: acceptor.refusedUnavailable },
    { failedHandoffs: 1, workerRestarts: 3, refusedUnavailable: 1 },
  );
  served.close();
});

test('a server none of whose workers can start fails to start, with the reason', async () => {
  const { log } = captureLog();
  await assert.rejects(
    startTestServer({ workers: 1, testHooks: true, workerFaultsForTest: { slot: 0, failToStart: [1], dieOnFirstSocket: [] } }, log),
    /no connection worker could start: .*failed to start \(test hook\)/,
  );
  // Nothing is left listening or running: were a thread left, this test file would never end.
});

test('the server closes promptly while a replacement worker is still starting', async () => {
  const { log, records } = captureLog();
  const server = await startTestServer(
    { workers: 2, testHooks: true, workerFaultsForTest: { slot: 0, failToStart: [1], dieOnFirstSocket: [] } },
    log,
  );
  await waitUntil(
    () => records.some((record) => record.msg === 'connection worker starting' && record.generation === 2),
    5000,
    'the replacement to be starting',
  );
  // The coordinator's shutdown barrier waits for every worker attached to it: the starting one must not
  // hold it up.
  await within(server.close(), 3000, 'the end of close()');
});
