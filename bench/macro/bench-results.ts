/** Everything one `bench:report` run produced: written as results.json and rendered into report.md. */
import type { CapacityResult } from './capacity-run.ts';
import type { RoleTotal, ThreadProfile } from './cpu-profile.ts';
import type { MachineInfo } from './machine-info.ts';
import type { RunSummary } from './run-summary.ts';
import type { CapacityShape, LoadShape } from './scenarios.ts';
import type { TargetCheck } from './targets.ts';

export interface BenchResults {
  startedAt: string;
  durationS: number;
  command: string;
  quick: boolean;
  repeats: number;
  machine: MachineInfo;
  peers: Record<string, string>;
  loadAverageStart: number[];
  loadAverageEnd: number[];
  roomcastFlags: string[];
  /** loadArgs: the load tool's arguments for a load scenario (target, pid and output are added per run). */
  scenarios: { id: number; title: string; note: string; shape: LoadShape | CapacityShape; loadArgs: string[] | null }[];
  /** How the report's own Redis and NATS were started. */
  brokerCommands: string[];
  /** Server ids in the order tables print them. */
  servers: string[];
  summaries: RunSummary[];
  capacity: CapacityResult[];
  targets: TargetCheck[];
  profile: { server: string; run: RunSummary; roles: RoleTotal[]; threads: ThreadProfile[] } | null;
  /** Runs that could not complete (a server that would not start, a tool that failed), verbatim. */
  failures: string[];
  charts: { file: string; title: string }[];
}
