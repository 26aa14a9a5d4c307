/**
 * A run's generator saturation, decided from its raw figures by the load tool's own rule
 * (bench/loadtest/generator-saturation.ts), so runs of any tool version are judged alike.
 */
import { saturationReasons } from '../loadtest/generator-saturation.ts';
import type { LoadReport } from '../loadtest/report.ts';

export function runSaturationReasons(r: LoadReport): string[] {
  return saturationReasons({
    cores: r.machine.cpus,
    generatorCores: r.generator.cpuCores,
    serverCores: r.server?.cpuCores ?? 0,
    shardElus: r.generator.shards.map((s) => s.eventLoopUtilization),
  });
}
