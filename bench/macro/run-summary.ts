/**
 * Reduces the repeated runs of one (scenario, server) pair to the figures the report prints: medians of
 * the rates and percentiles, and the worst case of everything that must never happen (loss, disorder).
 */
import type { LoadReport } from '../loadtest/report.ts';

export interface RunSummary {
  scenario: number;
  server: string;
  runs: number;
  deliveriesPerSecond: number;
  publishedPerSecond: number;
  /** 0 when the server's CPU was not measured. */
  deliveriesPerCpuSecond: number;
  serverCores: number;
  generatorCores: number;
  latencyMs: { p50: number; p90: number; p99: number; p999: number; max: number };
  lost: number;
  expectedDeliveries: number;
  garbled: number;
  duplicates: number;
  reordered: number;
  disconnects: number;
  orderConsistent: boolean;
  /** Runs in which the load tool flagged itself as the possible limit. */
  saturatedRuns: number;
  warnings: string[];
  peakRssBytes: number;
  /** The mixed scenario: median encodings per room run (bench/macro/run-encodings.ts); null when the server does not count them. */
  encodingsPerRun?: { median: number; dialectsPresent: number } | null;
}

export function median(xs: number[]): number {
  if (xs.length === 0) return 0;
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

export function summarise(scenario: number, server: string, reports: LoadReport[]): RunSummary {
  const med = (pick: (r: LoadReport) => number): number => median(reports.map(pick));
  const sum = (pick: (r: LoadReport) => number): number => reports.reduce((a, r) => a + pick(r), 0);
  const ms = (pick: (r: LoadReport) => number): number => med(pick) / 1000;
  return {
    scenario,
    server,
    runs: reports.length,
    deliveriesPerSecond: med((r) => r.throughput.deliveriesPerSecond),
    publishedPerSecond: med((r) => r.throughput.publishedPerSecond),
    deliveriesPerCpuSecond: med((r) => r.server?.deliveriesPerCpuSecond ?? 0),
    serverCores: med((r) => r.server?.cpuCores ?? 0),
    generatorCores: med((r) => r.generator.cpuCores),
    latencyMs: {
      p50: ms((r) => r.latencyUs.p50),
      p90: ms((r) => r.latencyUs.p90),
      p99: ms((r) => r.latencyUs.p99),
      p999: ms((r) => r.latencyUs.p999),
      max: ms((r) => r.latencyUs.max),
    },
    lost: sum((r) => r.integrity.lost),
    expectedDeliveries: sum((r) => r.integrity.expectedDeliveries),
    garbled: sum((r) => r.integrity.garbled),
    duplicates: sum((r) => r.integrity.duplicates),
    reordered: sum((r) => r.integrity.reordered),
    disconnects: sum((r) => r.errors.disconnects),
    orderConsistent: reports.every((r) => r.order.consistent),
    saturatedRuns: reports.filter((r) => r.generator.saturated).length,
    warnings: [...new Set(reports.flatMap((r) => r.generator.warnings))],
    peakRssBytes: Math.max(0, ...reports.map((r) => r.server?.peakRssBytes ?? 0)),
  };
}
