// The load tool's verdicts, end to end against real servers: bad usage, nobody to connect to, a
// throttling server. Each must end with its own exit code and one sentence that says why.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import net from 'node:net';
import { test } from 'node:test';
import type { LoadReport } from '../../bench/loadtest/report.ts';
import { spawnServer } from '../../harness/server-process.ts';
import { runLoadtest } from '../helpers/loadtest-run.ts';

test('bad flags and a --server-pid naming no process: exit 2, one line pointing to --help, no stack trace', async () => {
  const cases: [string[], RegExp][] = [
    [['--rooms', '100', '--clients', '50'], /--rooms 100 > --clients 50/],
    [['--publishers', '20', '--clients', '10'], /--publishers 20 > --clients 10/],
    [['--clients', 'many'], /--clients/],
    [['--server-pid', '2147483646'], /--server-pid 2147483646: no such process/],
    [['--json', '/nonexistent-dir/report.json'], /--json \/nonexistent-dir\/report.json: directory \/nonexistent-dir does not exist/],
  ];
  const runs = await Promise.all(cases.map(([args]) => runLoadtest([...args, '--target', '127.0.0.1:9'])));
  runs.forEach((run, i) => {
    const [args, message] = cases[i];
    assert.equal(run.code, 2, args.join(' '));
    assert.match(run.stderr, message);
    assert.match(run.stderr, /^loadtest: .* \(see --help\)\n$/, `one line: ${JSON.stringify(run.stderr)}`);
    assert.equal(run.stdout, '');
  });
});

test('--help exits 0 and lists the checks and exit codes', async () => {
  const run = await runLoadtest(['--help']);
  assert.equal(run.code, 0);
  for (const flag of [
    '--max-loss',
    '--max-p99-ms',
    '--min-deliveries-per-second',
    '--rates',
    '--arrivals',
    '--hgrm',
    '--room',
    '--chart',
  ]) {
    assert.ok(run.stdout.includes(flag), flag);
  }
  assert.match(run.stdout, /Exit codes: 0 all checks passed, 1 a check failed/);
});

test('no client connected: exit 3 naming the target and the refusal', async () => {
  // A port that was just free and is closed again: connects are refused.
  const probe = net.createServer().listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const { port } = probe.address() as net.AddressInfo;
  probe.close();
  await once(probe, 'close');
  const run = await runLoadtest(['--target', `127.0.0.1:${port}`, '--clients', '10', '--duration', '1', '--quiet']);
  assert.equal(run.code, 3, run.stderr);
  assert.equal(run.stderr, `loadtest: no client connected to 127.0.0.1:${port}: ECONNREFUSED\n`);
});

test('a server with its default flood limits: exit 1, the throttling named with the flags that lift it', { timeout: 60_000 }, async () => {
  const server = await spawnServer(['--workers', '1']);
  try {
    // 2 publishers at 1,000 msg/s each: twenty times the default 50 lines/s per connection.
    const run = await runLoadtest([
      ...['--target', `127.0.0.1:${server.port}`, '--clients', '10', '--publishers', '2', '--rate', '2000'],
      ...['--duration', '1', '--warmup', '0.3', '--drain', '2', '--threads', '1', '--json', '-', '--quiet'],
    ]);
    assert.equal(run.code, 1, run.stderr);
    assert.match(
      run.stderr,
      /^FAIL throttling: the server is throttling publishers \(\d+ flood errors\); start it with --flood-messages-per-second 0 --flood-bytes-per-second 0$/m,
    );
    assert.match(run.stderr, /^FAIL loss: .* reached no member at all \(dropped on the way in: throttled\)$/m);
    const report = JSON.parse(run.stdout) as LoadReport;
    assert.ok(report.errors.floodErrors > 0);
    assert.ok(report.integrity.neverDelivered > 0);
    assert.equal(report.checks.passed, false);
    assert.deepEqual(
      report.checks.failures.map((f) => f.check).filter((c) => c === 'throttling' || c === 'loss'),
      ['throttling', 'loss'],
    );
  } finally {
    await server.stop();
  }
});
