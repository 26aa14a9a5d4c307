// The cluster benchmark's pure parts: a run's figures split between nodes and broker, the bus's cost per
// message against the single node of the same round, and the report's tables.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { busCosts, clusterRunFigures, paired, summariseCluster } from '../../bench/cluster/cluster-figures.ts';
import { clusterMarkdown, pairedCell, scalingTable } from '../../bench/cluster/cluster-markdown.ts';
import type { ClusterResults } from '../../bench/cluster/cluster-results.ts';
import { baselineId, configurations, workloads } from '../../bench/cluster/configurations.ts';
import type { LoadReport } from '../../bench/loadtest/report.ts';
import { loadReport } from '../macro/report-fixtures.ts';

const brokerPid = 900;

/** A run of 10,000 messages published in the window; `cpu` maps pid → CPU-seconds (broker: pid 900). */
function run(cpu: Record<number, number>, deliveriesPerSecond = 2e6): LoadReport {
  const r = loadReport({ deliveriesPerSecond });
  const processes = Object.entries(cpu).map(([pid, cpuSeconds]) => ({
    pid: Number(pid),
    name: Number(pid) === brokerPid ? 'redis-server' : 'node main.ts',
    cpuSeconds,
    cpuCores: cpuSeconds / 5,
    rssStartBytes: 0,
    rssEndBytes: 0,
    peakRssBytes: 0,
  }));
  const total = processes.reduce((a, p) => a + p.cpuSeconds, 0);
  r.throughput.published = 10_000;
  r.server = {
    ...r.server!,
    pids: processes.map((p) => p.pid),
    processes,
    cpuSeconds: total,
    deliveriesPerCpuSecond: (deliveriesPerSecond * 5) / total,
  };
  return r;
}

const single = configurations.find((c) => c.id === baselineId)!;
const redis2 = configurations.find((c) => c.id === 'redis-2')!;

test('the matrix: one node without a bus, then 1, 2 and 3 nodes on each bus; two workloads, quick ones short', () => {
  assert.deepEqual(
    configurations.map((c) => [c.id, c.nodes, c.bus]),
    [
      ['single', 1, null],
      ['redis-1', 1, 'redis'],
      ['redis-2', 2, 'redis'],
      ['redis-3', 3, 'redis'],
      ['nats-1', 1, 'nats'],
      ['nats-2', 2, 'nats'],
      ['nats-3', 3, 'nats'],
    ],
  );
  const [open, closed] = workloads;
  assert.deepEqual([open.shape(false).rate, open.shape(false).arrivals, open.shape(false).clients], [1000, 'poisson', 200]);
  assert.deepEqual([closed.shape(false).rate, closed.shape(false).window], [0, 64]);
  assert.ok(open.shape(true).durationS < open.shape(false).durationS);
});

test("a run's CPU splits into the nodes' and the broker's, per message published", () => {
  const f = clusterRunFigures(2, run({ 101: 0.3, 102: 0.2, [brokerPid]: 0.1 }), brokerPid);
  assert.equal(f.round, 2);
  assert.ok(Math.abs(f.nodeCpuUsPerMessage - 50) < 1e-9, `${f.nodeCpuUsPerMessage}`); // 0.5 s / 10,000
  assert.ok(Math.abs(f.brokerCpuUsPerMessage - 10) < 1e-9);
  assert.ok(Math.abs(f.nodeCores - 0.1) < 1e-9 && Math.abs(f.brokerCores - 0.02) < 1e-9);
  const alone = clusterRunFigures(1, run({ 101: 0.4 }), null);
  assert.equal(alone.brokerCpuUsPerMessage, 0);
  assert.ok(Math.abs(alone.nodeCpuUsPerMessage - 40) < 1e-9);
});

test("the bus's cost is taken against the single node of the same round; a round either missed is left out", () => {
  const base = summariseCluster('open', single, [
    clusterRunFigures(1, run({ 101: 0.4 }), null),
    clusterRunFigures(2, run({ 101: 0.5 }), null),
    clusterRunFigures(3, run({ 101: 0.45 }), null),
  ]);
  const cluster = summariseCluster('open', redis2, [
    clusterRunFigures(1, run({ 101: 0.3, 102: 0.3, [brokerPid]: 0.1 }), brokerPid), // nodes 60 µs vs 40: +20, bus 30
    clusterRunFigures(2, run({ 101: 0.3, 102: 0.3, [brokerPid]: 0.2 }), brokerPid), // nodes 60 vs 50: +10, bus 30
  ]);
  assert.deepEqual(cluster.brokerCpuUsPerMessage, { median: 15, min: 10, max: 20 });
  const [cost] = busCosts([base, cluster], baselineId);
  assert.equal(busCosts([base, cluster], baselineId).length, 1, 'the baseline has no cost of its own');
  const values = (p: { rounds: { round: number; value: number }[] } | null) =>
    p?.rounds.map((r) => [r.round, Math.round(r.value * 1e6) / 1e6]);
  assert.deepEqual(values(cost.extraNodeUsPerMessage), [
    [1, 20],
    [2, 10],
  ]);
  assert.ok(Math.abs(cost.extraNodeUsPerMessage!.median - 15) < 1e-9);
  assert.deepEqual(values(cost.busUsPerMessage), [
    [1, 30],
    [2, 30],
  ]);
  // Same deliveries/s, CPU 0.7 s against 0.4 s: 0.4 / 0.7 of the single node's deliveries per CPU-second.
  assert.ok(Math.abs(cost.perCpuRatio!.rounds[0].value - 0.4 / 0.7) < 1e-9);
  assert.equal(
    paired(cluster.perRun, [], () => 1),
    null,
  );
});

test('the report: the summary table for docs/scaling.md, per-workload figures and costs, paired cells', () => {
  const runsOf = (c: typeof single, cpu: Record<number, number>) =>
    [1, 2].map((round) => clusterRunFigures(round, run(cpu), c.bus === null ? null : brokerPid));
  const summaries = workloads.flatMap((w) => [
    summariseCluster(w.id, single, runsOf(single, { 101: 0.4 })),
    summariseCluster(w.id, redis2, runsOf(redis2, { 101: 0.3, 102: 0.3, [brokerPid]: 0.1 })),
  ]);
  const results: ClusterResults = {
    startedAt: '2026-12-01T16:00:00.000Z',
    durationS: 540,
    command: 'npm run bench:cluster',
    quick: false,
    repeats: 2,
    machine: { cpuModel: 'test', cores: 2, memoryGiB: 4, node: 'v26.10.0', os: 'Linux', kernel: '6', openFileLimit: 'soft 1, hard 1' },
    peers: { nats: 'nats-server: v2.9.10', redis: 'Redis server v=7.0.15', python: 'Python 3' },
    loadAverageStart: [1, 1, 1],
    loadAverageEnd: [2, 2, 2],
    nodeArgs: ['--port', '0', '--bus', 'URL'],
    brokerCommands: ['redis-server --port 1'],
    configurations: [single, redis2],
    workloads: workloads.map((w) => ({ id: w.id, title: w.title, note: w.note, shape: w.shape(false), loadArgs: [] })),
    summaries,
    costs: busCosts(summaries, baselineId),
    failures: ['closed nats-3 round 1: a node did not start'],
  };
  const scaling = scalingTable(results).split('\n');
  assert.equal(scaling.length, 4);
  assert.match(
    scaling[2],
    /^\| 1 node, no bus \| 2\.00\u00a0M \(2\.00\u00a0M–2\.00\u00a0M\) \| 25\.00\u00a0M \(25\.00\u00a0M–25\.00\u00a0M\) \| 2\.50 \(2\.50–2\.50\) \/ 10\.0 \(10\.0–10\.0\) \| – \| – \|$/,
  );
  assert.match(
    scaling[3],
    /^\| redis, 2 nodes \| 2\.00\u00a0M \(2\.00\u00a0M–2\.00\u00a0M\) \| 14\.29\u00a0M \(14\.29\u00a0M–14\.29\u00a0M\) \| 2\.50 \(2\.50–2\.50\) \/ 10\.0 \(10\.0–10\.0\) \| 30\.0 \(30\.0, 30\.0\); broker 10\.0 \| 30\.0 \(30\.0, 30\.0\); broker 10\.0 \|$/,
  );
  const md = clusterMarkdown(results);
  assert.match(md, /^# roomcast cluster benchmark — 2026-12-01$/m);
  assert.match(md, /^## Summary \(for docs\/scaling\.md\)$/m);
  assert.equal(md.match(/^\| configuration \| broker µs\/msg \| extra node µs\/msg/gm)?.length, 2, 'one cost table per workload');
  assert.match(
    md,
    /^\| redis, 2 nodes \| 10\.0 \(10\.0–10\.0\) \| \+20\.0 \(\+20\.0, \+20\.0\) \| 30\.0 \(30\.0, 30\.0\) \| 0\.57× \(0\.57×, 0\.57×\) \|$/m,
  );
  assert.match(md, /^- closed nats-3 round 1: a node did not start$/m);
  assert.equal(pairedCell(null, String), '–');
  assert.equal(pairedCell({ median: 2, rounds: [{ round: 1, value: 2 }] }, String), '2');
});
