// End-to-end: one load run against the three doors of one real server (line protocol, IRC, WebSocket),
// clients spread round-robin over them in shared rooms: every delivery arrives, in one order per room.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { LoadReport } from '../../bench/loadtest/report.ts';
import { doorPorts } from '../../bench/macro/door-ports.ts';
import { spawnServer } from '../../harness/server-process.ts';

const run = promisify(execFile);
const loadtest = fileURLToPath(new URL('../../bench/loadtest/main.ts', import.meta.url));

test('a mixed run over the line, IRC and WebSocket doors is lossless, in one order per room, and counts deliveries', {
  timeout: 60_000,
}, async () => {
  const server = await spawnServer(['--workers', '2']);
  const { irc, http } = doorPorts(server.output());
  assert.ok(irc !== undefined && http !== undefined, server.output());
  const json = path.join(os.tmpdir(), `roomcast-mixed-doors-${process.pid}.json`);
  try {
    await run(
      process.execPath,
      // 30 clients, 10 per door, in 2 rooms; 6 publishers (clients 0..5: two per door, a publisher of
      // each door in each room). 120 msg/s stays under the per-client flood limit.
      [
        loadtest,
        ...['--target', `127.0.0.1:${server.port}`, '--target', `irc://127.0.0.1:${irc}`, '--target', `ws://127.0.0.1:${http}/ws`],
        ...['--clients', '30', '--rooms', '2', '--publishers', '6', '--rate', '120'],
        ...['--duration', '1.5', '--warmup', '0.5', '--threads', '2', '--server-pid', String(server.pid), '--json', json, '--quiet'],
      ],
      { timeout: 45_000 },
    );
    const r = JSON.parse(readFileSync(json, 'utf8')) as LoadReport;
    assert.equal(r.connect.ready, 30);
    assert.equal(r.errors.disconnects + r.errors.protocolErrors + r.errors.handshakeFailures, 0, r.errors.samples.join('\n'));
    // 120 msg/s over 2 rooms of 15 members: ~1,800 deliveries/s.
    assert.ok(r.throughput.deliveriesPerSecond > 1_200, `deliveries/s ${r.throughput.deliveriesPerSecond}`);
    assert.equal(r.integrity.expectedDeliveries, r.integrity.published * 15);
    assert.equal(r.integrity.uniqueDeliveries, r.integrity.expectedDeliveries);
    assert.equal(r.integrity.lost, 0);
    assert.deepEqual([r.integrity.duplicates, r.integrity.reordered, r.integrity.misrouted, r.integrity.garbled], [0, 0, 0, 0]);
    assert.deepEqual(r.order, { rooms: 2, consistentRooms: 2, divergentRooms: 0, unverifiableRooms: 0, consistent: true });
  } finally {
    rmSync(json, { force: true });
    await server.stop();
  }
});
