// Minimal load-tool reports and run summaries for the macro benchmark's pure logic: only the fields it reads.
import type { LoadReport } from '../../bench/loadtest/report.ts';
import type { RunFigures, RunSummary } from '../../bench/macro/run-summary.ts';
import { spread } from '../../bench/macro/spread.ts';

export interface RunShape {
  deliveriesPerSecond?: number;
  perCpu?: number;
  serverCores?: number;
  generatorCores?: number;
  elu?: number[];
  p99Ms?: number;
  maxMs?: number;
  lost?: number;
  consistent?: boolean;
}

export function loadReport(s: RunShape = {}): LoadReport {
  const p99 = (s.p99Ms ?? 10) * 1000;
  return {
    machine: { cpus: 2, cpuModel: 'test', node: 'v26', platform: 'linux' },
    throughput: {
      windowSeconds: 5,
      published: 0,
      publishedPerSecond: 1000,
      deliveries: 0,
      deliveriesPerSecond: s.deliveriesPerSecond ?? 1e6,
    },
    latencyUs: { count: 1, p50: p99 / 4, p90: p99 / 2, p99, p999: p99, max: (s.maxMs ?? 20) * 1000, mean: p99 / 4 },
    integrity: { lost: s.lost ?? 0, expectedDeliveries: 1000, garbled: 0, duplicates: 0, reordered: 0 },
    order: { consistent: s.consistent ?? true },
    errors: { disconnects: 0 },
    server: {
      pid: 1,
      cpuSeconds: 1,
      cpuCores: s.serverCores ?? 0.5,
      rssStartBytes: 0,
      rssEndBytes: 0,
      peakRssBytes: 0,
      deliveriesPerCpuSecond: s.perCpu ?? 2e6,
    },
    generator: {
      cpuSeconds: 1,
      cpuCores: s.generatorCores ?? 0.5,
      shards: (s.elu ?? [0.5, 0.5]).map((eventLoopUtilization, shard) => ({ shard, clients: 100, eventLoopUtilization, cpuSeconds: 1 })),
      saturated: false,
      warnings: [],
    },
  } as unknown as LoadReport;
}

/** A summary whose figures come only from its per-round runs (what the targets and ratios read). */
export function summary(scenario: number, server: string, runs: Partial<RunFigures>[]): RunSummary {
  const perRun = runs.map((r, i) => ({
    round: i + 1,
    deliveriesPerSecond: 1e6,
    deliveriesPerCpuSecond: 2e6,
    serverCores: 0.5,
    p99Ms: 10,
    maxMs: 20,
    saturation: [],
    ...r,
  }));
  const over = (pick: (r: RunFigures) => number) => spread(perRun.map(pick));
  return {
    scenario,
    server,
    runs: perRun.length,
    deliveriesPerSecond: over((r) => r.deliveriesPerSecond),
    publishedPerSecond: over(() => 1000),
    deliveriesPerCpuSecond: over((r) => r.deliveriesPerCpuSecond),
    serverCores: over((r) => r.serverCores),
    generatorCores: over(() => 0.5),
    latencyMs: {
      p50: over(() => 1),
      p90: over(() => 2),
      p99: over((r) => r.p99Ms),
      p999: over((r) => r.p99Ms),
      max: Math.max(...perRun.map((r) => r.maxMs)),
    },
    lost: 0,
    expectedDeliveries: 1000,
    garbled: 0,
    duplicates: 0,
    reordered: 0,
    disconnects: 0,
    orderConsistent: true,
    perRun,
    peakRssBytes: 0,
  };
}
