/**
 * `npm run bench:cluster -- [--quick] [--repeats N] [--configurations single,redis-2] [--workloads open] [--out DIR]`:
 * roomcast nodes sharing rooms over Redis and NATS (1, 2 and 3 nodes each) against one node without a
 * bus, under an open-loop and a closed-loop workload. Each run starts its nodes fresh (the brokers are
 * the report's own, started once on free ports: bench/macro/private-brokers.ts), drives them with the load
 * tool (clients round-robin over the nodes, every node and the broker measured), and stops them. Runs go
 * in rounds — every configuration once per workload, then the next round — so the bus's cost is taken
 * against the single node of the same round. Writes report.md, results.json and runs/*.json.
 */
import { Command, InvalidArgumentError } from 'commander';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LoadReport } from '../loadtest/report.ts';
import { runLoad } from '../macro/load-run.ts';
import { loadAverage, machineInfo } from '../macro/machine-info.ts';
import { privateBrokerCommands } from '../macro/private-brokers.ts';
import { runWithPrivateBrokers } from '../macro/with-private-brokers.ts';
import { loadArgs } from '../macro/scenarios.ts';
import { peerVersions } from '../macro/servers.ts';
import { busCosts, type ClusterRunFigures, clusterRunFigures, summariseCluster } from './cluster-figures.ts';
import { clusterMarkdown } from './cluster-markdown.ts';
import { nodeArgs, type RunningCluster, startCluster } from './cluster-nodes.ts';
import type { ClusterResults } from './cluster-results.ts';
import { baselineId, configurations, workloads } from './configurations.ts';

const list = (v: string): string[] =>
  v
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
const program = new Command('bench:cluster')
  .description('Cluster benchmark: 1, 2 and 3 roomcast nodes over Redis and over NATS against one node without a bus.')
  .option('--quick', 'about a minute: one round, 1.5 s windows (a smoke run)', false)
  .option('--repeats <n>', 'rounds (default 3, quick 1)', (v) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected an integer ≥ 1');
    return n;
  })
  .option('--configurations <ids>', `comma-separated (${configurations.map((c) => c.id).join(',')})`, list)
  .option('--workloads <ids>', `comma-separated (${workloads.map((w) => w.id).join(',')})`, list)
  .option('--out <dir>', 'output directory (default bench/results/<YYYY-MM-DD>-cluster)');

interface Options {
  quick: boolean;
  repeats?: number;
  configurations?: string[];
  workloads?: string[];
  out?: string;
}

function log(text: string): void {
  process.stdout.write(`[${new Date().toISOString().slice(11, 19)}] ${text}\n`);
}

function brief(f: ClusterRunFigures): string {
  return (
    `${(f.deliveriesPerSecond / 1e6).toFixed(2)} M/s, ${(f.deliveriesPerCpuSecond / 1e6).toFixed(2)} M/CPU-s, ` +
    `nodes ${f.nodeCores.toFixed(2)} + broker ${f.brokerCores.toFixed(2)} cores, ` +
    `p50 ${f.p50Ms.toFixed(1)} ms p99 ${f.p99Ms.toFixed(1)} ms max ${f.maxMs.toFixed(1)} ms, ` +
    `node ${f.nodeCpuUsPerMessage.toFixed(1)} + broker ${f.brokerCpuUsPerMessage.toFixed(1)} µs/msg, ` +
    `lost ${f.lost}, order ${f.orderConsistent ? 'ok' : 'DIVERGENT'}` +
    (f.saturation.length > 0 ? `, generator saturated (${f.saturation.join('; ')})` : '')
  );
}

/** On Ctrl-C: the load tool in flight is killed, and the nodes running now are stopped with the brokers. */
const interrupt = new AbortController();
const running = new Set<RunningCluster>();

async function main(): Promise<void> {
  const o = program.parse().opts<Options>();
  const started = new Date();
  const loadAverageStart = loadAverage();
  const repeats = o.repeats ?? (o.quick ? 1 : 3);
  const chosen = configurations.filter((c) => o.configurations === undefined || o.configurations.includes(c.id));
  const chosenWorkloads = workloads.filter((w) => o.workloads === undefined || o.workloads.includes(w.id));
  const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
  const outDir = path.resolve(o.out ?? path.join(repoRoot, 'bench', 'results', `${started.toISOString().slice(0, 10)}-cluster`));
  const runDir = path.join(outDir, 'runs');
  rmSync(runDir, { recursive: true, force: true });
  mkdirSync(runDir, { recursive: true });
  log(`writing ${path.relative(repoRoot, outDir) || outDir}; load average ${loadAverageStart.join(' ')}`);

  const figures = new Map<string, ClusterRunFigures[]>();
  const failures: string[] = [];
  for (let round = 1; round <= repeats; round++) {
    for (const workload of chosenWorkloads) {
      const shape = workload.shape(o.quick);
      for (const c of chosen) {
        const key = `${workload.id}-${c.id}`;
        try {
          const cluster = await startCluster(c);
          running.add(cluster);
          let report: LoadReport;
          try {
            report = await runLoad({
              server: cluster.nodes[0],
              protocol: 'roomcast',
              targets: cluster.targets,
              pids: cluster.pids,
              args: loadArgs(shape),
              jsonFile: path.join(runDir, `${key}-r${round}.json`),
              timeoutMs: (shape.durationS + shape.warmupS + 60) * 1000,
              signal: interrupt.signal,
            });
          } finally {
            running.delete(cluster);
            await cluster.stop();
          }
          const f = clusterRunFigures(round, report, cluster.broker?.pid ?? null);
          figures.set(key, [...(figures.get(key) ?? []), f]);
          log(`${workload.id} ${c.id} round ${round}/${repeats}: ${brief(f)}`);
        } catch (error) {
          failures.push(`${workload.id} ${c.id} round ${round}: ${(error as Error).message.split('\n').slice(0, 3).join(' ')}`);
          log(`${workload.id} ${c.id} round ${round} FAILED: ${(error as Error).message}`);
        }
      }
    }
  }

  const summaries = chosenWorkloads.flatMap((w) =>
    chosen.flatMap((c) => {
      const runs = figures.get(`${w.id}-${c.id}`);
      return runs === undefined ? [] : [summariseCluster(w.id, c, runs)];
    }),
  );
  const results: ClusterResults = {
    startedAt: started.toISOString(),
    durationS: (Date.now() - started.getTime()) / 1000,
    command: ['npm run bench:cluster', ...(process.argv.length > 2 ? ['--', ...process.argv.slice(2)] : [])].join(' '),
    quick: o.quick,
    repeats,
    machine: machineInfo(),
    peers: peerVersions(),
    loadAverageStart,
    loadAverageEnd: loadAverage(),
    nodeArgs: nodeArgs('URL', 'bench-RANDOM'),
    brokerCommands: await privateBrokerCommands(),
    configurations: chosen,
    workloads: chosenWorkloads.map((w) => {
      const shape = w.shape(o.quick);
      return { id: w.id, title: w.title, note: w.note, shape, loadArgs: loadArgs(shape) };
    }),
    summaries,
    costs: busCosts(summaries, baselineId),
    failures,
  };
  writeFileSync(path.join(outDir, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(path.join(outDir, 'report.md'), clusterMarkdown(results));
  log(`done in ${(results.durationS / 60).toFixed(1)} min: ${path.join(outDir, 'report.md')}`);
}

/** The brokers are ours: they go when the report ends or fails; on Ctrl-C everything in flight goes with them. */
await runWithPrivateBrokers(main, {
  abort: () => interrupt.abort(),
  stopRunning: () => [...running].map((c) => c.stop()),
  log,
  what: 'the nodes',
});
