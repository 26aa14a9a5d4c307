// A rate sweep end to end: two stages on the same clients against a real server, the JSON on stdout,
// the people's output on stderr, the per-stage and per-second figures, the chart and the .hgrm file.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import type { LoadReport } from '../../bench/loadtest/report.ts';
import { spawnServer } from '../../harness/server-process.ts';
import { runLoadtest } from '../helpers/loadtest-run.ts';

test('--rates runs one measured stage per rate, with series, chart and .hgrm; a p99 threshold fails it alone', {
  timeout: 90_000,
}, async () => {
  const server = await spawnServer(['--workers', '2', '--flood-messages-per-second', '0', '--flood-bytes-per-second', '0']);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'roomcast-sweep-'));
  const chart = path.join(dir, 'sweep.svg');
  const hgrm = path.join(dir, 'latency.hgrm');
  try {
    const run = await runLoadtest([
      ...['--target', `127.0.0.1:${server.port}`, '--clients', '20', '--rooms', '2', '--publishers', '4'],
      ...['--rates', '200,400', '--arrivals', 'poisson', '--duration', '1.5', '--warmup', '0.3', '--threads', '2'],
      ...['--server-pid', String(server.pid), '--json', '-', '--chart', chart, '--hgrm', hgrm],
      // No real run has a p99 under 1 µs: the one failure must be this threshold.
      ...['--max-p99-ms', '0.001'],
    ]);
    assert.equal(run.code, 1, run.stderr);
    assert.match(run.stderr, /^FAIL p99: p99 latency [\d.]+ ms, over --max-p99-ms 0\.001 by [\d.]+ ms$/m);
    const r = JSON.parse(run.stdout) as LoadReport;
    assert.equal(r.schemaVersion, 2);
    assert.deepEqual(
      r.checks.failures.map((f) => f.check),
      ['p99'],
    );
    assert.deepEqual(r.params.rates, [200, 400]);
    assert.equal(r.params.arrivals, 'poisson');

    assert.deepEqual(
      r.stages.map((s) => s.offeredRate),
      [200, 400],
    );
    for (const s of r.stages) {
      // Poisson arrivals wander around the offered rate; every message reaches the 10 members of its room.
      assert.ok(Math.abs(s.publishedPerSecond - s.offeredRate) < 0.35 * s.offeredRate, `published ${s.publishedPerSecond}/s`);
      assert.ok(s.achievedRate > 0.6 * s.offeredRate, `achieved ${s.achievedRate}`);
      assert.ok(s.latencyUs.count > 0 && s.latencyUs.p99 >= s.latencyUs.p50);
      assert.ok(s.serverCpuCores !== null && s.serverCpuCores > 0);
    }
    assert.equal(r.integrity.lost, 0);
    assert.equal(r.throughput.windowSeconds, 3);

    // Publishing lasted 3.6 s: seconds 0-3 carry sends, and deliveries, latency and server CPU each second.
    assert.ok(r.series.length >= 4, `${r.series.length} seconds`);
    for (const second of r.series.slice(0, 3)) {
      assert.ok(second.published > 0 && second.deliveries > 0 && second.p99Us >= second.p50Us, JSON.stringify(second));
      assert.ok(second.serverCpuCores !== null);
    }
    assert.equal(
      r.series.reduce((a, s) => a + s.published, 0),
      r.integrity.published,
    );

    assert.match(readFileSync(chart, 'utf8'), /^<svg/);
    assert.match(readFileSync(hgrm, 'utf8'), /Value\s+Percentile\s+TotalCount/);
    // People's output went to stderr: the summary, the stage table, each phase's true final figures.
    assert.match(run.stderr, /^offered\/s\s+achieved\/s/m);
    assert.match(run.stderr, /^knee: /m);
    assert.match(run.stderr, /^connect\s+20\/20 20 ready, 0 failed, 0 pending in [\d.]+ s$/m);
    assert.match(run.stderr, /^run\s+4\/4 sent /m);
    assert.match(run.stderr, /^drain\s+[\d.]+\/5 s, delivered /m);
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await server.stop();
  }
});
