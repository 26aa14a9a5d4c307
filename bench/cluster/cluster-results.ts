/** Everything one `bench:cluster` run produced: written as results.json and rendered into report.md. */
import type { MachineInfo } from '../macro/machine-info.ts';
import type { LoadShape } from '../macro/scenarios.ts';
import type { BusCost, ClusterSummary } from './cluster-figures.ts';
import type { ClusterConfiguration } from './configurations.ts';

export interface ClusterResults {
  startedAt: string;
  durationS: number;
  command: string;
  quick: boolean;
  repeats: number;
  machine: MachineInfo;
  peers: Record<string, string>;
  loadAverageStart: number[];
  loadAverageEnd: number[];
  /** A node's arguments after `node src/main.ts`, with the bus's URL and prefix as placeholders. */
  nodeArgs: string[];
  /** How the report's own Redis and NATS were started. */
  brokerCommands: string[];
  /** In the order tables print them; the first is the baseline. */
  configurations: ClusterConfiguration[];
  /** loadArgs: the load tool's arguments (targets, pids and output are added per run). */
  workloads: { id: string; title: string; note: string; shape: LoadShape; loadArgs: string[] }[];
  summaries: ClusterSummary[];
  costs: BusCost[];
  /** Runs that could not complete (a node that would not start, a tool that failed), verbatim. */
  failures: string[];
}
