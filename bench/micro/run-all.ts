// `npm run bench`: runs every bench/micro/*.bench.ts with tinybench, one suite after another so they
// never compete for the two cores, then prints a table and JSON lines (to stdout or --json FILE).
import { Command, InvalidArgumentError } from 'commander';
import { readdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { Bench } from 'tinybench';
import type { MicroSuite, MicroTask, SuiteFactory } from './micro-suite.ts';
import { environmentLine, jsonLines, resultsTable, type Environment, type TaskResult } from './results-table.ts';

const positive = (value: string): number => {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1) throw new InvalidArgumentError('expected a positive whole number');
  return parsed;
};

const options = new Command('bench')
  .description('Micro-benchmarks of the hot path (tinybench): a table, plus JSON lines with one line per task.')
  .option('--json <file>', 'write the JSON lines to this file instead of stdout')
  .option('--only <text>', 'run only the suites whose file name contains this')
  .option('--time-ms <ms>', 'time budget per task', positive, 1000)
  .allowExcessArguments(false)
  .parse(process.argv.slice(2), { from: 'user' })
  .opts<{ json?: string; only?: string; timeMs: number }>();

const environment: Environment = {
  date: new Date().toISOString(),
  node: process.version,
  cpuModel: os.cpus()[0]?.model ?? 'unknown',
  cores: os.availableParallelism(),
  platform: `${os.platform()} ${os.release()} ${os.arch()}`,
  loadAverage1m: os.loadavg()[0]!,
};

// Each task runs in a Bench of its own, so the process's CPU time (every thread's) over its run can be
// divided by the units it did: for tasks that cross threads, CPU per unit is a figure of its own.
async function runTask(concern: string, task: MicroTask): Promise<TaskResult> {
  // Few minimum iterations: the thread and socket tasks take milliseconds per call.
  const bench = new Bench({ time: options.timeMs, warmupTime: 200, iterations: 16, throws: true });
  let calls = 0;
  bench.add(task.name, () => {
    calls++;
    return task.fn();
  });
  const cpuBefore = process.cpuUsage();
  await bench.run();
  const cpu = process.cpuUsage(cpuBefore);
  const result = bench.tasks[0]!.result;
  if (result.state !== 'completed') throw new Error(`${concern}/${task.name}: ${result.state}`);
  const opsPerSecond = 1000 / result.latency.mean;
  return {
    concern,
    task: task.name,
    unit: task.unit,
    unitsPerOp: task.unitsPerOp,
    opsPerSecond,
    unitsPerSecond: opsPerSecond * task.unitsPerOp,
    meanNs: result.latency.mean * 1e6,
    p99Ns: result.latency.p99 * 1e6,
    cpuNsPerUnit: ((cpu.user + cpu.system) * 1000) / (calls * task.unitsPerOp),
    samples: result.latency.samplesCount,
    rmePercent: result.latency.rme,
    baseline: task.baseline ?? null,
    ratio: null,
  };
}

async function runSuite(suite: MicroSuite): Promise<TaskResult[]> {
  const results: TaskResult[] = [];
  for (const task of suite.tasks) results.push(await runTask(suite.concern, task));
  const rates = new Map(results.map((result) => [result.task, result.unitsPerSecond]));
  for (const result of results) {
    if (result.baseline === null) continue;
    const baselineRate = rates.get(result.baseline);
    if (baselineRate === undefined) throw new Error(`${suite.concern}/${result.task}: no task named ${result.baseline}`);
    result.ratio = result.unitsPerSecond / baselineRate;
  }
  return results;
}

const here = new URL('.', import.meta.url);
const files = (await readdir(here))
  .filter((name) => name.endsWith('.bench.ts') && (options.only === undefined || name.includes(options.only)))
  .sort();
const results: TaskResult[] = [];
for (const file of files) {
  process.stderr.write(`running ${file}\n`);
  const { default: open } = (await import(new URL(file, here).href)) as { default: SuiteFactory };
  const suite = await open();
  try {
    results.push(...(await runSuite(suite)));
  } finally {
    await suite.close?.();
  }
}

process.stdout.write(`${environmentLine(environment)}\n\n${resultsTable(results)}\n\n`);
if (options.json === undefined) process.stdout.write(jsonLines(environment, results));
else await writeFile(options.json, jsonLines(environment, results));
