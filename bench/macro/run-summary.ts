/**
 * Reduces the repeated runs of one (scenario, server) pair to the figures the report prints: the median
 * and range of each rate and percentile, the worst run's max latency, the worst case of everything that
 * must never happen (loss, disorder), and each run's own figures for the per-round comparisons.
 */
import type { LoadReport } from '../loadtest/report.ts';
import { runSaturationReasons } from './generator-saturation.ts';
import { type Spread, spread } from './spread.ts';

/** One run's figures, kept by round so that servers can be compared round by round. */
export interface RunFigures {
  round: number;
  deliveriesPerSecond: number;
  /** 0 when the server's CPU was not measured. */
  deliveriesPerCpuSecond: number;
  serverCores: number;
  p99Ms: number;
  maxMs: number;
  /** Why the generator may have set the pace (bench/macro/generator-saturation.ts); empty when it did not. */
  saturation: string[];
}

export interface RunSummary {
  scenario: number;
  server: string;
  runs: number;
  deliveriesPerSecond: Spread;
  publishedPerSecond: Spread;
  deliveriesPerCpuSecond: Spread;
  serverCores: Spread;
  generatorCores: Spread;
  /** Percentiles: median and range over runs; max: the worst run's. */
  latencyMs: { p50: Spread; p90: Spread; p99: Spread; p999: Spread; max: number };
  lost: number;
  expectedDeliveries: number;
  garbled: number;
  duplicates: number;
  reordered: number;
  disconnects: number;
  orderConsistent: boolean;
  perRun: RunFigures[];
  peakRssBytes: number;
  /** The mixed scenario: median encodings per room run (bench/macro/run-encodings.ts); null when the server does not count them. */
  encodingsPerRun?: { median: number; dialectsPresent: number } | null;
}

export interface RoundReport {
  round: number;
  report: LoadReport;
}

export function runFigures({ round, report: r }: RoundReport): RunFigures {
  return {
    round,
    deliveriesPerSecond: r.throughput.deliveriesPerSecond,
    deliveriesPerCpuSecond: r.server?.deliveriesPerCpuSecond ?? 0,
    serverCores: r.server?.cpuCores ?? 0,
    p99Ms: r.latencyUs.p99 / 1000,
    maxMs: r.latencyUs.max / 1000,
    saturation: runSaturationReasons(r),
  };
}

export function summarise(scenario: number, server: string, runs: RoundReport[]): RunSummary {
  const reports = runs.map((r) => r.report);
  const over = (pick: (r: LoadReport) => number): Spread => spread(reports.map(pick));
  const sum = (pick: (r: LoadReport) => number): number => reports.reduce((a, r) => a + pick(r), 0);
  const ms = (pick: (r: LoadReport) => number): Spread => over((r) => pick(r) / 1000);
  return {
    scenario,
    server,
    runs: reports.length,
    deliveriesPerSecond: over((r) => r.throughput.deliveriesPerSecond),
    publishedPerSecond: over((r) => r.throughput.publishedPerSecond),
    deliveriesPerCpuSecond: over((r) => r.server?.deliveriesPerCpuSecond ?? 0),
    serverCores: over((r) => r.server?.cpuCores ?? 0),
    generatorCores: over((r) => r.generator.cpuCores),
    latencyMs: {
      p50: ms((r) => r.latencyUs.p50),
      p90: ms((r) => r.latencyUs.p90),
      p99: ms((r) => r.latencyUs.p99),
      p999: ms((r) => r.latencyUs.p999),
      max: Math.max(0, ...reports.map((r) => r.latencyUs.max / 1000)),
    },
    lost: sum((r) => r.integrity.lost),
    expectedDeliveries: sum((r) => r.integrity.expectedDeliveries),
    garbled: sum((r) => r.integrity.garbled),
    duplicates: sum((r) => r.integrity.duplicates),
    reordered: sum((r) => r.integrity.reordered),
    disconnects: sum((r) => r.errors.disconnects),
    orderConsistent: reports.every((r) => r.order.consistent),
    perRun: runs.map(runFigures),
    peakRssBytes: Math.max(0, ...reports.map((r) => r.server?.peakRssBytes ?? 0)),
  };
}
