// The mapping from ServerStats to Prometheus series, and how a scrape gathers them: without threads, from
// stats made up here, so every table entry can be checked by value.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ConnectionWorkerStats, ServerStats } from '../../src/control-api.ts';
import { ServerMetrics } from '../../src/metrics/server-metrics.ts';
import { parsePrometheusText, sampleValue, series } from '../helpers/prometheus-text.ts';

function workerStats(workerId: number, base: number): ConnectionWorkerStats {
  return {
    workerId,
    connections: base + 1,
    rooms: base + 2,
    messagesIn: base + 3,
    deliveriesOut: base + 4,
    bytesOut: base + 5,
    socketWrites: base + 6,
    queuedBytes: base + 7,
    slowConsumersDisconnected: base + 8,
    floodDisconnects: base + 9,
    linesDroppedForFlooding: base + 10,
    timeoutDisconnects: base + 11,
    kicks: base + 12,
    internalErrors: base + 13,
    writeStallDisconnects: base + 14,
    backpressureMs: base + 15_000,
    backpressurePauses: base + 16,
    coordinatorBacklogUnits: base + 17,
    coordinatorBacklogPeakUnits: base + 18,
    eventLoopUtilization: base / 1000,
    eventLoopDelayP50Ms: base / 100,
    eventLoopDelayP99Ms: base / 10,
    eventLoopDelayMaxMs: base,
    heapUsedBytes: base * 1000,
    roomRuns: base + 19,
    roomRunEncodings: base + 20,
  };
}

const stats: ServerStats = {
  acceptor: {
    liveConnections: 41,
    accepted: 42,
    refusedServerFull: 43,
    refusedPerIpLimit: 44,
    workerRestarts: 45,
    refusedTooFast: 47,
    refusedUnavailable: 48,
    workersReady: 2,
    failedHandoffs: 49,
    eventLoopUtilization: 0.25,
    eventLoopDelayP50Ms: 0.5,
    eventLoopDelayP99Ms: 3,
    eventLoopDelayMaxMs: 40,
    heapUsedBytes: 46_000,
  },
  coordinator: {
    nicks: 51,
    rooms: 52,
    roomMessages: 53,
    forwards: 54,
    workers: 2,
    overloadMs: 2500,
    overloads: 56,
    workerBacklogUnits: 57,
    workerBacklogPeakUnits: 58,
    eventLoopUtilization: 0.5,
    eventLoopDelayP50Ms: 1,
    eventLoopDelayP99Ms: 7,
    eventLoopDelayMaxMs: 25,
    heapUsedBytes: 55_000,
  },
  workers: [workerStats(1, 100), workerStats(2, 200)],
};

test('every stats figure reaches its series: worker counters summed, worker gauges and load per thread', async () => {
  const metrics = parsePrometheusText(await new ServerMetrics(async () => stats).scrape());
  const expected: [string, Record<string, string>, number][] = [
    ['roomcast_connections', {}, 41],
    ['roomcast_connections_accepted_total', {}, 42],
    ['roomcast_connections_refused_total', { reason: 'server_full' }, 43],
    ['roomcast_connections_refused_total', { reason: 'per_ip_limit' }, 44],
    ['roomcast_worker_restarts_total', {}, 45],
    ['roomcast_connections_refused_total', { reason: 'connecting_too_fast' }, 47],
    ['roomcast_connections_refused_total', { reason: 'no_worker_ready' }, 48],
    ['roomcast_workers_ready', {}, 2],
    ['roomcast_failed_handoffs_total', {}, 49],
    ['roomcast_nicks', {}, 51],
    ['roomcast_rooms', {}, 52],
    ['roomcast_room_lines_total', {}, 53],
    ['roomcast_coordinator_forwards_total', {}, 54],
    ['roomcast_coordinator_workers_with_members', {}, 2],
    ['roomcast_worker_connections', { thread: 'worker-1' }, 101],
    ['roomcast_worker_rooms', { thread: 'worker-2' }, 202],
    ['roomcast_queued_bytes', { thread: 'worker-1' }, 107],
    ['roomcast_messages_in_total', {}, 103 + 203],
    ['roomcast_deliveries_out_total', {}, 104 + 204],
    ['roomcast_bytes_out_total', {}, 105 + 205],
    ['roomcast_socket_writes_total', {}, 106 + 206],
    ['roomcast_room_runs_total', {}, 119 + 219],
    ['roomcast_room_run_encodings_total', {}, 120 + 220],
    ['roomcast_disconnects_total', { reason: 'slow_consumer' }, 108 + 208],
    ['roomcast_disconnects_total', { reason: 'write_stall' }, 114 + 214],
    ['roomcast_input_paused_seconds_total', {}, (15_100 + 15_200) / 1000],
    ['roomcast_input_pauses_total', {}, 116 + 216],
    ['roomcast_worker_to_coordinator_backlog_units', { thread: 'worker-2' }, 217],
    ['roomcast_overload_seconds_total', {}, 2.5],
    ['roomcast_overloads_total', {}, 56],
    ['roomcast_coordinator_to_worker_backlog_units', {}, 57],
    ['roomcast_disconnects_total', { reason: 'flood' }, 109 + 209],
    ['roomcast_flood_lines_dropped_total', {}, 110 + 210],
    ['roomcast_disconnects_total', { reason: 'timeout' }, 111 + 211],
    ['roomcast_disconnects_total', { reason: 'kick' }, 112 + 212],
    ['roomcast_internal_errors_total', {}, 113 + 213],
    ['roomcast_thread_event_loop_utilization', { thread: 'acceptor' }, 0.25],
    ['roomcast_thread_event_loop_utilization', { thread: 'coordinator' }, 0.5],
    ['roomcast_thread_event_loop_utilization', { thread: 'worker-2' }, 0.2],
    ['roomcast_thread_heap_used_bytes', { thread: 'acceptor' }, 46_000],
    ['roomcast_thread_heap_used_bytes', { thread: 'worker-1' }, 100_000],
    ['roomcast_thread_event_loop_delay_seconds', { thread: 'acceptor', quantile: '0.5' }, 0.0005],
    ['roomcast_thread_event_loop_delay_seconds', { thread: 'coordinator', quantile: '0.99' }, 0.007],
    ['roomcast_thread_event_loop_delay_seconds', { thread: 'coordinator', quantile: '1' }, 0.025],
    ['roomcast_thread_event_loop_delay_seconds', { thread: 'worker-2', quantile: '1' }, 0.2],
  ];
  for (const [name, labels, value] of expected)
    assert.equal(sampleValue(metrics, name, labels), value, `${name} ${JSON.stringify(labels)}`);
  assert.equal(metrics.types.get('roomcast_disconnects_total'), 'counter');
  assert.equal(metrics.types.get('roomcast_queued_bytes'), 'gauge');
  assert.equal(metrics.types.get('roomcast_thread_event_loop_delay_seconds'), 'gauge');
  assert.equal(series(metrics, 'roomcast_thread_event_loop_delay_seconds').length, 4 * 3, 'three quantiles for each of four threads');
});

test('a dead worker leaves no per-thread series behind', async () => {
  let current = stats;
  const metrics = new ServerMetrics(async () => current);
  await metrics.scrape();
  current = { ...stats, workers: [workerStats(2, 200)] };
  const after = parsePrometheusText(await metrics.scrape());
  assert.deepEqual(
    series(after, 'roomcast_thread_heap_used_bytes').map((sample) => sample.labels.thread),
    ['acceptor', 'coordinator', 'worker-2'],
  );
  assert.equal(series(after, 'roomcast_worker_connections', { thread: 'worker-1' }).length, 0);
  assert.equal(sampleValue(after, 'roomcast_messages_in_total'), 103 + 203, "worker 1's count stays in the total");
});

test('overlapping scrapes share one round of stats', async () => {
  let rounds = 0;
  const metrics = new ServerMetrics(async () => {
    rounds++;
    return stats;
  });
  const [first, second] = await Promise.all([metrics.scrape(), metrics.scrape()]);
  assert.equal(rounds, 1);
  assert.equal(first, second);
  await metrics.scrape();
  assert.equal(rounds, 2, 'a later scrape asks again');
});

test('a scrape whose threads never answer fails after the timeout, and the next one asks afresh', async () => {
  const answers: Promise<ServerStats>[] = [new Promise<ServerStats>(() => {}), Promise.resolve(stats)];
  const metrics = new ServerMetrics(() => answers.shift()!, 20);
  await assert.rejects(metrics.scrape(), /did not answer within 20 ms/);
  assert.equal(sampleValue(parsePrometheusText(await metrics.scrape()), 'roomcast_nicks'), 51);
});

test('a node with a bus reports its link and its room feeds; one without has no bus series', async () => {
  const bus = { node: 'n1', up: false, publishing: 12, gapFills: 3, resets: 1, missed: 2 };
  const withBus = parsePrometheusText(
    await new ServerMetrics(async () => ({ ...stats, coordinator: { ...stats.coordinator, bus } })).scrape(),
  );
  for (const [name, value] of [
    ['roomcast_bus_up', 0],
    ['roomcast_bus_publishes_in_flight', 12],
    ['roomcast_bus_gap_fills_total', 3],
    ['roomcast_bus_resets_total', 1],
    ['roomcast_bus_missed_gaps_total', 2],
  ] as const) {
    assert.equal(sampleValue(withBus, name), value, name);
  }
  const alone = parsePrometheusText(await new ServerMetrics(async () => stats).scrape());
  assert.throws(() => sampleValue(alone, 'roomcast_bus_up'), /no sample roomcast_bus_up/);
});
