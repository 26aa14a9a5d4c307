/**
 * What the cluster benchmark runs: one roomcast node without a bus (the baseline every bus is measured
 * against), then 1, 2 and 3 nodes sharing rooms over each bus; and two workloads, the open-loop latency
 * of a busy room and the closed-loop throughput of scenario 1 (bench/macro/scenarios.ts), on every one.
 */
import type { BrokerId } from '../macro/private-brokers.ts';
import { type LoadShape, scenarios } from '../macro/scenarios.ts';

export interface ClusterConfiguration {
  /** `single`, `redis-2`, `nats-3`… */
  id: string;
  nodes: number;
  /** null: one node on its own, no bus. */
  bus: BrokerId | null;
}

export const baselineId = 'single';

export const configurations: ClusterConfiguration[] = [
  { id: baselineId, nodes: 1, bus: null },
  ...(['redis', 'nats'] as const).flatMap((bus) => [1, 2, 3].map((nodes) => ({ id: `${bus}-${nodes}`, nodes, bus }))),
];

export interface Workload {
  id: 'open' | 'closed';
  title: string;
  /** Why it is measured, printed in the report. */
  note: string;
  shape(quick: boolean): LoadShape;
}

/** A scenario of the macro report in this report's timing: the cluster's shapes are the single node's. */
function macroShape(id: number, quick: boolean): LoadShape {
  const scenario = scenarios.find((s) => s.id === id);
  if (scenario?.kind !== 'load') throw new Error(`bench/macro/scenarios.ts has no load scenario ${id}`);
  // Quick is a smoke run of the whole matrix in about a minute; full keeps 14 runs a round near 3 minutes.
  return { ...scenario.shape(false), ...(quick ? { durationS: 1.5, warmupS: 0.5 } : { durationS: 5, warmupS: 1 }) };
}

export const workloads: Workload[] = [
  {
    id: 'open',
    title: 'open loop: one room of 200 members, 4 publishers, 1,000 msg/s total (200,000 deliveries/s), 64 B',
    note: "scenario 7's shape: Poisson arrivals at a fixed rate, latency from the scheduled send time; every configuration does the same work, so CPU per message compares them",
    shape: (quick) => macroShape(7, quick),
  },
  {
    id: 'closed',
    title: 'closed loop: one room of 200 members, 4 publishers, 64 B, as fast as a window of 64 allows',
    note: "scenario 1's shape: throughput; on this 2-core box every node, the broker and the load tool share the cores, so deliveries per CPU-second of all processes is the fairer figure",
    shape: (quick) => macroShape(1, quick),
  },
];
