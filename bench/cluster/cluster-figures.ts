/**
 * The cluster benchmark's arithmetic: one run's figures from the load tool's report (CPU split into the
 * nodes' and the broker's by pid), their median and range over rounds, and the bus's cost per message
 * against the single node without a bus, taken round by round (both ran in the round, interleaved).
 */
import type { LoadReport } from '../loadtest/report.ts';
import { runSaturationReasons } from '../macro/generator-saturation.ts';
import { type Spread, median, spread } from '../macro/spread.ts';
import type { ClusterConfiguration } from './configurations.ts';

export interface ClusterRunFigures {
  round: number;
  deliveriesPerSecond: number;
  publishedPerSecond: number;
  /** Deliveries per CPU-second of every node and the broker together; 0 when their CPU was not measured. */
  deliveriesPerCpuSecond: number;
  nodeCores: number;
  brokerCores: number;
  generatorCores: number;
  /** CPU per message published in the measured window, µs: all nodes together, and the broker. */
  nodeCpuUsPerMessage: number;
  brokerCpuUsPerMessage: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  lost: number;
  expectedDeliveries: number;
  duplicates: number;
  disconnects: number;
  orderConsistent: boolean;
  /** Why the load tool may have set the pace (bench/macro/generator-saturation.ts); empty when it did not. */
  saturation: string[];
}

/** One run: `brokerPid` names which measured process is the broker (null: no bus). */
export function clusterRunFigures(round: number, r: LoadReport, brokerPid: number | null): ClusterRunFigures {
  const processes = r.server?.processes ?? [];
  const cpu = (broker: boolean): number => processes.filter((p) => (p.pid === brokerPid) === broker).reduce((a, p) => a + p.cpuSeconds, 0);
  const cores = (broker: boolean): number => processes.filter((p) => (p.pid === brokerPid) === broker).reduce((a, p) => a + p.cpuCores, 0);
  const published = r.throughput.published;
  const perMessageUs = (seconds: number): number => (published > 0 ? (seconds / published) * 1e6 : 0);
  return {
    round,
    deliveriesPerSecond: r.throughput.deliveriesPerSecond,
    publishedPerSecond: r.throughput.publishedPerSecond,
    deliveriesPerCpuSecond: r.server?.deliveriesPerCpuSecond ?? 0,
    nodeCores: cores(false),
    brokerCores: cores(true),
    generatorCores: r.generator.cpuCores,
    nodeCpuUsPerMessage: perMessageUs(cpu(false)),
    brokerCpuUsPerMessage: perMessageUs(cpu(true)),
    p50Ms: r.latencyUs.p50 / 1000,
    p99Ms: r.latencyUs.p99 / 1000,
    maxMs: r.latencyUs.max / 1000,
    lost: r.integrity.lost,
    expectedDeliveries: r.integrity.expectedDeliveries,
    duplicates: r.integrity.duplicates,
    disconnects: r.errors.disconnects,
    orderConsistent: r.order.consistent,
    saturation: runSaturationReasons(r),
  };
}

export interface ClusterSummary {
  workload: string;
  configuration: string;
  nodes: number;
  bus: string | null;
  runs: number;
  deliveriesPerSecond: Spread;
  deliveriesPerCpuSecond: Spread;
  nodeCores: Spread;
  brokerCores: Spread;
  generatorCores: Spread;
  nodeCpuUsPerMessage: Spread;
  brokerCpuUsPerMessage: Spread;
  /** Percentiles: median and range over runs; max: the worst run's. */
  latencyMs: { p50: Spread; p99: Spread; max: number };
  lost: number;
  expectedDeliveries: number;
  duplicates: number;
  disconnects: number;
  orderConsistent: boolean;
  perRun: ClusterRunFigures[];
}

export function summariseCluster(workload: string, c: ClusterConfiguration, perRun: ClusterRunFigures[]): ClusterSummary {
  const over = (pick: (r: ClusterRunFigures) => number): Spread => spread(perRun.map(pick));
  const sum = (pick: (r: ClusterRunFigures) => number): number => perRun.reduce((a, r) => a + pick(r), 0);
  return {
    workload,
    configuration: c.id,
    nodes: c.nodes,
    bus: c.bus,
    runs: perRun.length,
    deliveriesPerSecond: over((r) => r.deliveriesPerSecond),
    deliveriesPerCpuSecond: over((r) => r.deliveriesPerCpuSecond),
    nodeCores: over((r) => r.nodeCores),
    brokerCores: over((r) => r.brokerCores),
    generatorCores: over((r) => r.generatorCores),
    nodeCpuUsPerMessage: over((r) => r.nodeCpuUsPerMessage),
    brokerCpuUsPerMessage: over((r) => r.brokerCpuUsPerMessage),
    latencyMs: { p50: over((r) => r.p50Ms), p99: over((r) => r.p99Ms), max: Math.max(0, ...perRun.map((r) => r.maxMs)) },
    lost: sum((r) => r.lost),
    expectedDeliveries: sum((r) => r.expectedDeliveries),
    duplicates: sum((r) => r.duplicates),
    disconnects: sum((r) => r.disconnects),
    orderConsistent: perRun.every((r) => r.orderConsistent),
    perRun,
  };
}

/** A figure against the baseline's in the same round: the median over rounds, and each round's value. */
export interface Paired {
  median: number;
  rounds: { round: number; value: number }[];
}

/** `combine(mine, theirs)` per round both ran with measured CPU; null when no round has both. */
export function paired(
  mine: ClusterRunFigures[],
  theirs: ClusterRunFigures[],
  combine: (m: ClusterRunFigures, t: ClusterRunFigures) => number,
): Paired | null {
  const rounds = mine
    .flatMap((m) => {
      const t = theirs.find((r) => r.round === m.round);
      const measured = (r: ClusterRunFigures): boolean => r.deliveriesPerCpuSecond > 0;
      return t === undefined || !measured(m) || !measured(t) ? [] : [{ round: m.round, value: combine(m, t) }];
    })
    .sort((a, b) => a.round - b.round);
  return rounds.length === 0 ? null : { median: median(rounds.map((r) => r.value)), rounds };
}

/** What the bus costs a configuration per published message, against one node without a bus. */
export interface BusCost {
  workload: string;
  configuration: string;
  /** The broker's CPU per message, µs (median and range over rounds). */
  brokerUsPerMessage: Spread;
  /** All nodes' CPU per message minus the single node's in the same round, µs. */
  extraNodeUsPerMessage: Paired | null;
  /** Broker plus extra node CPU per message, µs, per round. */
  busUsPerMessage: Paired | null;
  /** Deliveries per CPU-second of all processes ÷ the single node's, per round. */
  perCpuRatio: Paired | null;
}

export function busCosts(summaries: ClusterSummary[], baseline: string): BusCost[] {
  return summaries.flatMap((s) => {
    const base = summaries.find((b) => b.workload === s.workload && b.configuration === baseline);
    if (s.bus === null || base === undefined) return [];
    const extra = (m: ClusterRunFigures, t: ClusterRunFigures): number => m.nodeCpuUsPerMessage - t.nodeCpuUsPerMessage;
    return [
      {
        workload: s.workload,
        configuration: s.configuration,
        brokerUsPerMessage: s.brokerCpuUsPerMessage,
        extraNodeUsPerMessage: paired(s.perRun, base.perRun, extra),
        busUsPerMessage: paired(s.perRun, base.perRun, (m, t) => m.brokerCpuUsPerMessage + extra(m, t)),
        perCpuRatio: paired(s.perRun, base.perRun, (m, t) => m.deliveriesPerCpuSecond / t.deliveriesPerCpuSecond),
      },
    ];
  });
}
