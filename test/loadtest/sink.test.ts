// The tool against its own capacity sink (bench/loadtest/sink-server.ts): the sink must speak the
// handshake the tool's roomcast clients use, or the capacity figure silently disappears.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { LoadReport } from '../../bench/loadtest/report.ts';
import { startChildServer } from '../../harness/child-server.ts';
import { runLoadtest } from '../helpers/loadtest-run.ts';

const sinkScript = fileURLToPath(new URL('../../bench/loadtest/sink-server.ts', import.meta.url));

test('a receive-only run against the sink gets every client ready and counts its deliveries', { timeout: 60_000 }, async () => {
  const sink = await startChildServer(process.execPath, [sinkScript, '--port', '0']);
  try {
    const run = await runLoadtest([
      ...['--target', `127.0.0.1:${sink.port}`, '--publishers', '0', '--clients', '20', '--threads', '1'],
      ...['--duration', '0.5', '--warmup', '0.2', '--json', '-', '--quiet'],
    ]);
    assert.equal(run.code, 0, run.stderr);
    const r = JSON.parse(run.stdout) as LoadReport;
    assert.equal(r.connect.ready, 20);
    assert.ok(r.throughput.deliveries > 0 && r.integrity.foreign >= r.throughput.deliveries);
  } finally {
    await sink.stop();
  }
});
