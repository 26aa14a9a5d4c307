// --server-pid repeated: a roomcast server and a Redis of its own measured in one run, summed as "the
// server" and reported each under its own name, in the JSON and in the summary table.
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import type { LoadReport } from '../../bench/loadtest/report.ts';
import { privateBroker, stopPrivateBrokers } from '../../bench/macro/private-brokers.ts';
import { spawnServer } from '../../harness/server-process.ts';
import { runLoadtest } from '../helpers/loadtest-run.ts';

after(() => stopPrivateBrokers());

test('two processes named by --server-pid: CPU and RSS summed, each reported by pid and name', { timeout: 60_000 }, async () => {
  const [server, redis] = await Promise.all([
    spawnServer(['--workers', '1', '--flood-messages-per-second', '0', '--flood-bytes-per-second', '0']),
    privateBroker('redis'),
  ]);
  const json = path.join(os.tmpdir(), `roomcast-server-pids-${process.pid}.json`);
  try {
    const run = await runLoadtest([
      ...['--target', `127.0.0.1:${server.port}`, '--clients', '20', '--publishers', '2', '--rate', '200'],
      ...['--duration', '1.5', '--warmup', '0.5', '--threads', '1'],
      ...['--server-pid', String(server.pid), '--server-pid', String(redis.pid), '--json', json],
    ]);
    assert.equal(run.code, 0, run.stderr);
    const r = JSON.parse(readFileSync(json, 'utf8')) as LoadReport;
    assert.deepEqual(r.params.serverPids, [server.pid, redis.pid]);
    assert.equal(r.params.serverPid, server.pid);
    assert.ok(r.server !== null);
    assert.equal(r.server.pid, server.pid);
    assert.deepEqual(r.server.pids, [server.pid, redis.pid]);
    assert.deepEqual(
      r.server.processes.map((p) => [p.pid, p.name]),
      [
        [server.pid, 'node main.ts'],
        [redis.pid, 'redis-server'],
      ],
    );
    const [node, broker] = r.server.processes;
    assert.ok(node.cpuSeconds > 0, 'the server worked in the window');
    assert.ok(broker.rssEndBytes > 0 && node.rssEndBytes > 0);
    assert.ok(Math.abs(r.server.cpuSeconds - (node.cpuSeconds + broker.cpuSeconds)) < 1e-9);
    assert.equal(r.server.rssEndBytes, node.rssEndBytes + broker.rssEndBytes);
    assert.equal(r.server.peakRssBytes, node.peakRssBytes + broker.peakRssBytes);
    assert.match(run.stdout, /^server\s+2 processes together: \d+\.\d\d cores/m);
    assert.match(run.stdout, new RegExp(`^  process\\s+pid ${server.pid} \\(node main\\.ts\\): `, 'm'));
    assert.match(run.stdout, new RegExp(`^  process\\s+pid ${redis.pid} \\(redis-server\\): `, 'm'));
  } finally {
    rmSync(json, { force: true });
    await server.stop();
  }
});
