// report.md from a results object: ranges beside medians, the worst run's max, paired ratios, saturated runs by round.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { BenchResults } from '../../bench/macro/bench-results.ts';
import { markdownReport } from '../../bench/macro/markdown-report.ts';
import { summary } from './report-fixtures.ts';

function results(): BenchResults {
  const mine = summary(1, 'roomcast-w2', [
    { deliveriesPerSecond: 2e6, deliveriesPerCpuSecond: 4e6, p99Ms: 10, maxMs: 30 },
    { deliveriesPerSecond: 3e6, deliveriesPerCpuSecond: 6e6, p99Ms: 20, maxMs: 90, saturation: ['shard 0 event loop 95 % busy'] },
    { deliveriesPerSecond: 4e6, deliveriesPerCpuSecond: 5e6, p99Ms: 15, maxMs: 40 },
  ]);
  const theirs = summary(1, 'redis', [{ deliveriesPerSecond: 1e6 }, { deliveriesPerSecond: 1e6 }, { deliveriesPerSecond: 2e6 }]);
  return {
    startedAt: '2026-12-01T12:00:00.000Z',
    durationS: 600,
    command: 'npm run bench:report',
    quick: false,
    repeats: 3,
    machine: { cpuModel: 'test', cores: 2, memoryGiB: 1, node: 'v26', os: 'test', kernel: '6', openFileLimit: '20000' },
    peers: { nats: 'nats', redis: 'redis', python: 'python' },
    loadAverageStart: [1, 1, 1],
    loadAverageEnd: [2, 2, 2],
    roomcastFlags: [],
    scenarios: [
      {
        id: 1,
        title: 'flood',
        note: 'note',
        shape: { clients: 200, rooms: 1, publishers: 4, rate: 0, window: 64, size: 64, durationS: 5, warmupS: 1 },
        loadArgs: ['--window', '64'],
      },
    ],
    brokerCommands: ["redis-server --port 1 --save ''"],
    servers: ['roomcast-w2', 'redis'],
    summaries: [mine, theirs],
    capacity: [],
    targets: [],
    profile: null,
    failures: [],
    charts: [],
  };
}

test('medians carry the range over runs; max is the worst run', () => {
  const md = markdownReport(results());
  const row = md.split('\n').find((l) => l.startsWith('| roomcast-w2 | 3 |'));
  assert.ok(row !== undefined, md);
  assert.match(row, /\| 3\.00\u00a0M \(2\.00\u00a0M–4\.00\u00a0M\) \|/);
  assert.match(row, /\| 15\.0 \(10\.0–20\.0\) \|/);
  assert.match(row, /\| 90\.0 \| 0 \| one order \| \*\*1\/3\*\* \(2\) \|$/);
});

test('ratios are per round, and the header names the saturated runs, the brokers and the load-tool command', () => {
  const md = markdownReport(results());
  // deliveries/s: rounds 2×, 3×, 2× → median 2×, where the ratio of medians would be 3×.
  assert.match(md, /\| roomcast-w2 \| 2\.00× \(2\.00, 3\.00, 2\.00\) · /);
  assert.match(md, /\| generator saturated \| 1 of 6 runs \(see "Generator saturation"\): S1 roomcast-w2 \(round 2\) \|/);
  assert.match(md, /- S1 roomcast-w2 round 2: shard 0 event loop 95 % busy/);
  assert.match(md, /\| brokers \| `redis-server --port 1 --save ''` \|/);
  assert.match(md, /Load tool: `node bench\/loadtest\/main\.ts .* --window 64 --json FILE --quiet`/);
  assert.match(md, /took 10\.0 min/);
});
