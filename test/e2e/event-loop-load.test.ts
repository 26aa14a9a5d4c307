// Every thread's event-loop figures (thread-load.ts) reach the operator: /metrics has delay quantiles and
// utilisation for each thread, and the stats record carries them per thread. A worker kept busy for a
// while shows it as that thread's maximum delay, and the other worker does not.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { spawnServer } from '../../harness/server-process.ts';
import type { ServerStats } from '../../src/control-api.ts';
import type { ThreadLoad } from '../../src/thread-load.ts';
import { type Exposition, scrape, scrapeUntil, sampleValue, series } from '../helpers/prometheus-text.ts';
import { nextStats } from '../helpers/stats-records.ts';
import { startTestServer } from '../helpers/test-server.ts';

const threads = ['acceptor', 'coordinator', 'worker-1', 'worker-2'];
const maxDelay = (thread: string) => ({ thread, quantile: '1' });

test('/metrics has the event-loop delay and utilisation of every thread', async () => {
  const server = await startTestServer({ workers: 2, metricsPort: 0, statsIntervalMs: 200 });
  try {
    // A full window has to end before there is anything to show (the first one is cut short: windows end on the clock).
    const median = (exposition: Exposition, thread: string) =>
      series(exposition, 'roomcast_thread_event_loop_delay_seconds', { thread, quantile: '0.5' })[0]!.value;
    const metrics = await scrapeUntil(
      server.server.metricsAddress!,
      (exposition) => threads.every((thread) => median(exposition, thread) > 0),
      5000,
      'a completed load window in every thread',
    );
    for (const thread of threads) {
      const [p50, p99, max] = ['0.5', '0.99', '1'].map((quantile) =>
        sampleValue(metrics, 'roomcast_thread_event_loop_delay_seconds', { thread, quantile }),
      );
      assert.ok(0 < p50! && p50! <= p99! && p99! <= max!, `${thread}: p50 ${p50} ≤ p99 ${p99} ≤ max ${max}`);
      const elu = sampleValue(metrics, 'roomcast_thread_event_loop_utilization', { thread });
      assert.ok(elu > 0 && elu <= 1, `${thread} ELU ${elu}`);
    }
    assert.equal(series(metrics, 'roomcast_thread_event_loop_delay_seconds').length, threads.length * 3);
  } finally {
    await server.close();
  }
});

test("a worker kept busy shows it as that thread's maximum event-loop delay", async () => {
  const blockMs = 1000;
  const server = await startTestServer({ workers: 2, metricsPort: 0, statsIntervalMs: 200, testHooks: true });
  try {
    const address = server.server.metricsAddress!;
    const before = await scrape(address);
    const maxBefore = sampleValue(before, 'roomcast_thread_event_loop_delay_seconds', maxDelay('worker-1'));
    assert.ok(maxBefore < blockMs / 1000 / 2, `worker-1 was not stalled before: ${maxBefore} s`);

    await server.server.blockWorkerForTest(0, blockMs);
    const after = await scrapeUntil(
      address,
      (metrics) => sampleValue(metrics, 'roomcast_thread_event_loop_delay_seconds', maxDelay('worker-1')) > (blockMs * 0.9) / 1000,
      5000,
      `worker-1's maximum delay to show the ${blockMs} ms block`,
    );
    const stalled = sampleValue(after, 'roomcast_thread_event_loop_delay_seconds', maxDelay('worker-1'));
    const bystander = sampleValue(after, 'roomcast_thread_event_loop_delay_seconds', maxDelay('worker-2'));
    assert.ok(bystander < stalled / 2, `worker-2 (${bystander} s) was not blocked along with worker-1 (${stalled} s)`);
  } finally {
    await server.close();
  }
});

test('the stats record carries each thread’s event-loop delay and utilisation', async () => {
  const server = await spawnServer(['--workers', '2', '--stats-interval-ms', '200']);
  try {
    const stats: ServerStats = await nextStats(server);
    const loads: [string, ThreadLoad][] = [
      ['acceptor', stats.acceptor],
      ['coordinator', stats.coordinator],
      ...stats.workers.map((worker): [string, ThreadLoad] => [`worker-${worker.workerId}`, worker]),
    ];
    assert.equal(loads.length, 4);
    for (const [thread, load] of loads) {
      const { eventLoopDelayP50Ms: p50, eventLoopDelayP99Ms: p99, eventLoopDelayMaxMs: max, eventLoopUtilization: elu } = load;
      assert.ok(0 < p50 && p50 <= p99 && p99 <= max, `${thread}: p50 ${p50} ≤ p99 ${p99} ≤ max ${max} ms`);
      assert.ok(elu > 0 && elu <= 1, `${thread} ELU ${elu}`);
    }
  } finally {
    await server.stop();
  }
});
