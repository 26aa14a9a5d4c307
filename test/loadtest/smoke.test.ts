// End-to-end: the load tool, run as users run it, for a couple of seconds against a real roomcast server;
// its JSON must be complete and the run lossless and in one order per room.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { LoadReport } from '../../bench/loadtest/report.ts';
import { spawnServer } from '../../harness/server-process.ts';

const run = promisify(execFile);
const loadtest = fileURLToPath(new URL('../../bench/loadtest/main.ts', import.meta.url));

test('a 2-second load run against roomcast reports every section, lossless and in order', { timeout: 60_000 }, async () => {
  const server = await spawnServer(['--workers', '2']);
  const json = path.join(os.tmpdir(), `roomcast-smoke-${process.pid}.json`);
  try {
    const { stdout } = await run(
      process.execPath,
      // 120 msg/s over 4 publishers stays under the server's default per-client flood limit.
      [
        loadtest,
        '--target',
        `127.0.0.1:${server.port}`,
        '--clients',
        '40',
        '--rooms',
        '2',
        '--publishers',
        '4',
        '--rate',
        '120',
        '--duration',
        '2',
        '--warmup',
        '0.5',
        '--threads',
        '2',
        '--server-pid',
        String(server.pid),
        '--json',
        json,
        '--quiet',
      ],
      { timeout: 45_000 },
    );
    assert.match(stdout, new RegExp(`JSON report: ${json}`));
    const r = JSON.parse(readFileSync(json, 'utf8')) as LoadReport;
    assert.equal(r.tool, 'roomcast-loadtest');
    assert.equal(r.connect.ready, 40);
    assert.ok(r.throughput.published > 0, 'published in the window');
    // 120 msg/s over 2 rooms of 20 members: ~2,400 deliveries/s.
    assert.ok(r.throughput.deliveriesPerSecond > 1_800, `deliveries/s ${r.throughput.deliveriesPerSecond}`);
    assert.ok(r.latencyUs.count > 0 && r.latencyUs.p50 > 0 && r.latencyUs.max >= r.latencyUs.p99);
    assert.ok(r.connect.connectUs.count === 40);
    assert.equal(r.integrity.expectedDeliveries, r.integrity.published * 20);
    assert.equal(r.integrity.lost, 0);
    assert.equal(r.integrity.lossless, true);
    assert.deepEqual([r.integrity.duplicates, r.integrity.reordered, r.integrity.misrouted, r.integrity.garbled], [0, 0, 0, 0]);
    assert.deepEqual(r.order, { rooms: 2, consistentRooms: 2, divergentRooms: 0, unverifiableRooms: 0, consistent: true });
    assert.equal(r.errors.disconnects + r.errors.protocolErrors + r.errors.handshakeFailures, 0, r.errors.samples.join('\n'));
    assert.ok(r.server !== null && r.server.cpuSeconds > 0 && r.server.rssEndBytes > 0);
    assert.equal(r.generator.shards.length, 2);
    assert.ok(r.histograms.latencyUs.length > 0);
  } finally {
    rmSync(json, { force: true });
    await server.stop();
  }
});
