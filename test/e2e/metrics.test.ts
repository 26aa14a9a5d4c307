// What an operator's Prometheus sees: with --metrics-port the main thread serves GET /metrics, gathered
// from every thread at scrape time; without it nothing listens. Worker counters are whole-server totals
// that never fall, even when a worker dies and its replacement starts counting from zero.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LineClient } from '../helpers/line-client.ts';
import { fetchMetrics, scrape, scrapeUntil, series, sampleValue } from '../helpers/prometheus-text.ts';
import { startTestServer } from '../helpers/test-server.ts';

const lines = 5;

test('a server started with a metrics port serves real figures from every thread', async () => {
  const server = await startTestServer({ workers: 2, metricsPort: 0 });
  try {
    const metricsAddress = server.server.metricsAddress!;
    assert.equal(metricsAddress.address, '127.0.0.1', 'loopback unless told otherwise');
    const clients = await Promise.all(['ann', 'ben', 'cy'].map((nick) => LineClient.joined(server.port, nick)));
    for (let i = 0; i < lines; i++) clients[0]!.send(`metric line ${i}`);
    await Promise.all(clients.map((client) => client.waitForCount((line) => line.startsWith('[lobby] <ann> metric line'), lines)));

    const metrics = await scrape(metricsAddress);
    assert.equal(sampleValue(metrics, 'roomcast_connections'), 3);
    assert.equal(sampleValue(metrics, 'roomcast_connections_accepted_total'), 3);
    assert.equal(sampleValue(metrics, 'roomcast_nicks'), 3);
    assert.equal(sampleValue(metrics, 'roomcast_rooms'), 1);
    const perWorker = series(metrics, 'roomcast_worker_connections');
    assert.deepEqual(perWorker.map((sample) => sample.labels.thread).sort(), ['worker-1', 'worker-2']);
    assert.equal(
      perWorker.reduce((sum, sample) => sum + sample.value, 0),
      3,
    );
    // ann's lines reached all three clients; the join notices are deliveries too.
    assert.ok(sampleValue(metrics, 'roomcast_messages_in_total') >= lines);
    assert.ok(sampleValue(metrics, 'roomcast_deliveries_out_total') >= 3 * lines);
    assert.ok(sampleValue(metrics, 'roomcast_bytes_out_total') > 3 * lines * '[lobby] <ann> metric line 0\n'.length);
    assert.ok(sampleValue(metrics, 'roomcast_socket_writes_total') > 0);
    assert.ok(sampleValue(metrics, 'roomcast_room_lines_total') >= lines);
    assert.equal(sampleValue(metrics, 'roomcast_disconnects_total', { reason: 'slow_consumer' }), 0);
    assert.equal(sampleValue(metrics, 'roomcast_connections_refused_total', { reason: 'server_full' }), 0);
    assert.equal(sampleValue(metrics, 'roomcast_worker_restarts_total'), 0);
    assert.equal(metrics.types.get('roomcast_deliveries_out_total'), 'counter');
    assert.equal(metrics.types.get('roomcast_connections'), 'gauge');

    for (const thread of ['acceptor', 'coordinator', 'worker-1', 'worker-2']) {
      const elu = sampleValue(metrics, 'roomcast_thread_event_loop_utilization', { thread });
      assert.ok(elu >= 0 && elu <= 1, `${thread} ELU ${elu} is a fraction`);
      assert.ok(sampleValue(metrics, 'roomcast_thread_heap_used_bytes', { thread }) > 1024 * 1024, `${thread} has a heap`);
    }
    assert.equal(series(metrics, 'roomcast_thread_event_loop_utilization').length, 4, 'one ELU series per thread, no more');
    // prom-client's process metrics come along.
    assert.ok(sampleValue(metrics, 'process_cpu_user_seconds_total') > 0);
    assert.ok(sampleValue(metrics, 'nodejs_heap_size_used_bytes') > 0);

    for (const [path, method] of [
      ['/', 'GET'],
      ['/metricsx', 'GET'],
      ['/metrics', 'POST'],
    ] as const) {
      const response = await fetchMetrics(metricsAddress, path, method);
      await response.text();
      assert.equal(response.status, 404, `${method} ${path}`);
    }
    for (const client of clients) client.close();
  } finally {
    await server.close();
  }
});

test('metrics are off unless a metrics port is given', async () => {
  const server = await startTestServer({ workers: 1 });
  try {
    assert.equal(server.server.metricsAddress, undefined);
  } finally {
    await server.close();
  }
});

test('worker counters never fall when a worker dies and a fresh one starts from zero', async () => {
  const server = await startTestServer({ workers: 2, metricsPort: 0, testHooks: true });
  try {
    const metricsAddress = server.server.metricsAddress!;
    // Least-loaded hand-off: the first client lands on worker 1, the second on worker 2.
    const [talker, listener] = [await LineClient.joined(server.port, 'talker'), await LineClient.joined(server.port, 'listener')];
    for (let i = 0; i < lines; i++) talker.send(`before the crash ${i}`);
    await listener.waitForCount((line) => line.startsWith('[lobby] <talker> before the crash'), lines);
    const before = await scrape(metricsAddress);
    assert.equal(sampleValue(before, 'roomcast_worker_connections', { thread: 'worker-1' }), 1);

    await server.server.crashWorkerForTest(0);
    // The coordinator announces the quit only after the supervisor saw worker 1 exit.
    await listener.waitFor((line) => line === '[lobby] -- talker quit (connection lost: server worker restarted)');
    const after = await scrapeUntil(
      metricsAddress,
      (metrics) => series(metrics, 'roomcast_worker_connections', { thread: 'worker-3' }).length === 1,
      5000,
      'the replacement worker in the metrics',
    );
    assert.equal(sampleValue(after, 'roomcast_worker_restarts_total'), 1);
    assert.equal(series(after, 'roomcast_worker_connections', { thread: 'worker-1' }).length, 0, 'the dead worker has no series');
    for (const name of [
      'roomcast_messages_in_total',
      'roomcast_deliveries_out_total',
      'roomcast_bytes_out_total',
      'roomcast_socket_writes_total',
    ]) {
      assert.ok(
        sampleValue(after, name) >= sampleValue(before, name),
        `${name} went from ${sampleValue(before, name)} to ${sampleValue(after, name)}`,
      );
    }
    listener.close();
  } finally {
    await server.close();
  }
});
