/**
 * Whether the load generator, rather than the server, may have set a run's pace. Decided here from the
 * run's raw figures, apart from the load tool's own `generator.saturated`: the tool computes that flag
 * before it adds its CPU-bound-box warning, so a run where the generator took most of a saturated box
 * (Redis in scenario 1: generator 1.36 cores, Redis 0.50, shards 83–87 % busy) was never marked.
 */
import { type LoadReport, saturatedElu } from '../loadtest/report.ts';

/**
 * On a CPU-bound box the generator is the limit when it burns at least this many times the server's CPU:
 * the server then waits for input. A server at its own limit (naive: 0.96 cores beside the generator's
 * 1.01; NATS: 1.13 beside 0.76) is not marked.
 */
export const generatorShareOfServer = 2;

/** Why the run counts as generator-saturated; empty when it does not. */
export function saturationReasons(r: LoadReport): string[] {
  const cores = r.machine.cpus;
  const generator = r.generator.cpuCores;
  const server = r.server?.cpuCores ?? 0;
  const reasons = r.generator.shards
    .filter((s) => s.eventLoopUtilization > saturatedElu)
    .map((s) => `shard ${s.shard} event loop ${(s.eventLoopUtilization * 100).toFixed(0)} % busy`);
  if (generator > saturatedElu * cores) reasons.push(`generator uses ${generator.toFixed(2)} of ${cores} cores`);
  else if (generator + server > saturatedElu * cores && generator >= generatorShareOfServer * server) {
    reasons.push(`CPU-bound box, generator ${generator.toFixed(2)} cores ≥ ${generatorShareOfServer}× the server's ${server.toFixed(2)}`);
  }
  if (reasons.length === 0 && r.generator.saturated) reasons.push(...r.generator.warnings);
  return reasons;
}
