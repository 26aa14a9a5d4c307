/**
 * `npm run bench:report -- [--quick] [--scenarios 1,2] [--servers roomcast-w1,nats] [--repeats N]`:
 * starts each server itself (Redis and NATS once, fresh, for the whole report), drives it with the load
 * tool, stops it, and writes bench/results/<date>/ (report.md, results.json, runs/*.json, charts). Runs
 * go in rounds — every server once per scenario, then the next round — so a disturbance of the shared box
 * hits them alike and ratios can be taken within a round.
 */
import { Command, InvalidArgumentError } from 'commander';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LoadReport } from '../loadtest/report.ts';
import type { BenchResults } from './bench-results.ts';
import { runCapacity, type CapacityResult } from './capacity-run.ts';
import { renderCharts } from './charts.ts';
import { summariseProfiles, threadRoles } from './cpu-profile.ts';
import { runSaturationReasons } from './generator-saturation.ts';
import { runLoad } from './load-run.ts';
import { runEncodings, type RunEncodings } from './run-encodings.ts';
import { loadAverage, machineInfo } from './machine-info.ts';
import { markdownReport } from './markdown-report.ts';
import { privateBrokerCommands } from './private-brokers.ts';
import { runWithPrivateBrokers } from './with-private-brokers.ts';
import { type RoundReport, summarise } from './run-summary.ts';
import { loadArgs, scenarios, type LoadShape } from './scenarios.ts';
import { median } from './spread.ts';
import { peerVersions, roomcastBenchFlags, type RunningServer, servers, type ServerSpec } from './servers.ts';
import { checkTargets } from './targets.ts';

const list = (v: string): string[] =>
  v
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
const program = new Command('bench:report')
  .description('Macro benchmark: roomcast (1, 2, 4 workers) against the naive, coalescing and seed baselines, NATS and Redis, in one run.')
  .option('--quick', 'about 3 minutes: one run per pair, 3 s windows, a 4,000-client capacity test', false)
  .option('--scenarios <ids>', `comma-separated scenario ids (${scenarios.map((s) => s.id).join(',')})`, list)
  .option('--servers <ids>', `comma-separated servers (${servers.map((s) => s.id).join(',')})`, list)
  .option('--repeats <n>', 'rounds: runs per (scenario, server) pair; medians and ranges are reported (default 3, quick 1)', (v) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected an integer ≥ 1');
    return n;
  })
  .option('--no-profile', 'skip the --cpu-prof run of roomcast')
  .option('--out <dir>', 'output directory (default bench/results/<YYYY-MM-DD>)');

interface Options {
  quick: boolean;
  scenarios?: string[];
  servers?: string[];
  repeats?: number;
  profile: boolean;
  out?: string;
}

/** The server's own process is the one to profile; its threads write one .cpuprofile each. */
const profiledServer = 'roomcast-w2';

function log(text: string): void {
  process.stdout.write(`[${new Date().toISOString().slice(11, 19)}] ${text}\n`);
}

function brief(r: LoadReport): string {
  const saturation = runSaturationReasons(r);
  return (
    `${(r.throughput.deliveriesPerSecond / 1e6).toFixed(2)} M/s, ${r.server === null ? '–' : (r.server.deliveriesPerCpuSecond / 1e6).toFixed(2)} M/CPU-s, ` +
    `p50 ${(r.latencyUs.p50 / 1000).toFixed(1)} ms p99 ${(r.latencyUs.p99 / 1000).toFixed(1)} ms max ${(r.latencyUs.max / 1000).toFixed(1)} ms, ` +
    `lost ${r.integrity.lost}, garbled ${r.integrity.garbled}, order ${r.order.consistent ? 'ok' : 'DIVERGENT'}` +
    (saturation.length > 0 ? `, generator saturated (${saturation.join('; ')})` : '')
  );
}

/** The sink streams without pause: nobody publishes and there is nothing to drain. */
function argsFor(server: ServerSpec, shape: LoadShape): string[] {
  return server.kind === 'sink' ? [...loadArgs({ ...shape, publishers: 0 }), '--drain', '0'] : loadArgs(shape);
}

/** The mixed scenario's targets: one per door, so client i speaks door i mod 3. */
function mixedTargets(running: RunningServer): string[] {
  const { irc, http } = running.doors ?? {};
  if (irc === undefined || http === undefined) throw new Error(`${running.host}:${running.port} opened no IRC or browser door`);
  return [`${running.host}:${running.port}`, `irc://${running.host}:${irc}`, `ws://${running.host}:${http}/ws`];
}
const mixedDialects = 3;

/** On Ctrl-C: the load tool in flight is killed, and the servers running now are stopped with the brokers. */
const interrupt = new AbortController();
const runningServers = new Set<RunningServer>();

async function launched(server: ServerSpec, options: Parameters<ServerSpec['launch']>[0]): Promise<RunningServer> {
  const running = await server.launch(options);
  runningServers.add(running);
  return running;
}

async function stopped(running: RunningServer): Promise<void> {
  runningServers.delete(running);
  await running.stop();
}

async function loadRun(
  server: ServerSpec,
  shape: LoadShape,
  jsonFile: string,
  cpuProfDir?: string,
): Promise<{ report: LoadReport; encodings: RunEncodings | null }> {
  const doors = shape.mixedDoors === true;
  const running = await launched(server, { cpuProfDir, doors });
  try {
    const report = await runLoad({
      server: running,
      protocol: server.protocol,
      targets: doors ? mixedTargets(running) : undefined,
      args: argsFor(server, shape),
      jsonFile,
      timeoutMs: (shape.durationS + shape.warmupS + 60) * 1000,
      signal: interrupt.signal,
    });
    const encodings = doors && running.output !== undefined ? runEncodings(running.output(), mixedDialects) : null;
    return { report, encodings };
  } finally {
    await stopped(running);
  }
}

async function main(): Promise<void> {
  const o = program.parse().opts<Options>();
  const started = new Date();
  const loadAverageStart = loadAverage();
  const repeats = o.repeats ?? (o.quick ? 1 : 3);
  const chosenScenarios = scenarios.filter((s) => o.scenarios === undefined || o.scenarios.includes(String(s.id)));
  const chosenServers = servers.filter((s) => o.servers === undefined || o.servers.includes(s.id));
  const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
  const outDir = path.resolve(o.out ?? path.join(repoRoot, 'bench', 'results', started.toISOString().slice(0, 10)));
  const runDir = path.join(outDir, 'runs');
  rmSync(runDir, { recursive: true, force: true });
  mkdirSync(runDir, { recursive: true });
  log(`writing ${path.relative(repoRoot, outDir)}; load average ${loadAverageStart.join(' ')}`);

  const reports = new Map<string, RoundReport[]>();
  const encodings = new Map<string, (RunEncodings | null)[]>();
  const failures: string[] = [];
  for (let rep = 1; rep <= repeats; rep++) {
    for (const scenario of chosenScenarios) {
      if (scenario.kind !== 'load') continue;
      for (const server of chosenServers.filter((s) => scenario.serves(s))) {
        const key = `${scenario.id}-${server.id}`;
        try {
          const shape = scenario.shape(o.quick);
          const { report, encodings: counted } = await loadRun(server, shape, path.join(runDir, `${key}-r${rep}.json`));
          reports.set(key, [...(reports.get(key) ?? []), { round: rep, report }]);
          if (shape.mixedDoors === true) encodings.set(key, [...(encodings.get(key) ?? []), counted]);
          const encoded =
            counted === null ? '' : `, ${counted.encodingsPerRun.toFixed(2)} encodings/run (${counted.dialectsPresent} dialects)`;
          log(`S${scenario.id} ${server.id} round ${rep}/${repeats}: ${brief(report)}${encoded}`);
        } catch (error) {
          failures.push(`S${scenario.id} ${server.id} round ${rep}: ${(error as Error).message.split('\n').slice(0, 3).join(' ')}`);
          log(`S${scenario.id} ${server.id} round ${rep} FAILED: ${(error as Error).message}`);
        }
      }
    }
  }

  const capacity: CapacityResult[] = [];
  const capacityScenario = chosenScenarios.find((s) => s.kind === 'capacity');
  if (capacityScenario !== undefined) {
    const shape = capacityScenario.shape(o.quick);
    for (const server of chosenServers.filter((s) => capacityScenario.serves(s))) {
      try {
        const running = await launched(server, { extraArgs: shape.roomcastArgs });
        try {
          const result = await runCapacity(running, server.id, shape, runDir, server.kind === 'roomcast', interrupt.signal);
          capacity.push(result);
          log(
            `S4 ${server.id}: ${result.ready}/${result.target} ready at ${Math.round(result.readyPerSecond)}/s, ${(result.rssPerConnectionBytes / 1024).toFixed(1)} KiB/connection, probe ${JSON.stringify(result.probe)}`,
          );
        } finally {
          await stopped(running);
        }
      } catch (error) {
        failures.push(`S4 ${server.id}: ${(error as Error).message.split('\n').slice(0, 3).join(' ')}`);
        log(`S4 ${server.id} FAILED: ${(error as Error).message}`);
      }
    }
  }

  let profile: BenchResults['profile'] = null;
  const profileTarget = chosenServers.find((s) => s.id === profiledServer);
  const flood = chosenScenarios.find((s) => s.id === 1);
  if (o.profile && profileTarget !== undefined && flood?.kind === 'load') {
    const profDir = mkdtempSync(path.join(os.tmpdir(), 'roomcast-prof-'));
    try {
      const { report } = await loadRun(profileTarget, flood.shape(o.quick), path.join(profDir, 'load.json'), profDir);
      const threads = summariseProfiles(profDir);
      profile = {
        server: profileTarget.id,
        run: summarise(1, profileTarget.id, [{ round: 1, report }]),
        roles: threadRoles(threads),
        threads,
      };
      log(`profile: ${profile.threads.length} thread profiles summarised`);
    } catch (error) {
      failures.push(`profile: ${(error as Error).message.split('\n')[0]}`);
    } finally {
      rmSync(profDir, { recursive: true, force: true });
    }
  }

  const order = chosenServers.map((s) => s.id);
  const summaries = chosenScenarios.flatMap((s) =>
    order
      .filter((id) => reports.has(`${s.id}-${id}`))
      .map((id) => {
        const summary = summarise(s.id, id, reports.get(`${s.id}-${id}`)!);
        const counted = encodings.get(`${s.id}-${id}`);
        if (counted === undefined) return summary;
        const known = counted.filter((c): c is RunEncodings => c !== null);
        summary.encodingsPerRun =
          known.length === 0 ? null : { median: median(known.map((c) => c.encodingsPerRun)), dialectsPresent: mixedDialects };
        return summary;
      }),
  );
  const closedLoop = chosenScenarios.filter((s) => s.kind === 'load' && s.shape(o.quick).rate === 0).map((s) => s.id);
  const charts = await renderCharts(summaries, order, closedLoop);
  for (const c of charts) writeFileSync(path.join(outDir, c.file), c.svg);
  const results: BenchResults = {
    startedAt: started.toISOString(),
    durationS: (Date.now() - started.getTime()) / 1000,
    command: ['npm run bench:report', ...(process.argv.length > 2 ? ['--', ...process.argv.slice(2)] : [])].join(' '),
    quick: o.quick,
    repeats,
    machine: machineInfo(),
    peers: peerVersions(),
    loadAverageStart,
    loadAverageEnd: loadAverage(),
    roomcastFlags: roomcastBenchFlags,
    scenarios: chosenScenarios.map((s) => {
      const shape = s.shape(o.quick);
      return { id: s.id, title: s.title, note: s.note, shape, loadArgs: s.kind === 'load' ? loadArgs(shape as LoadShape) : null };
    }),
    brokerCommands: await privateBrokerCommands(),
    servers: order,
    summaries,
    capacity,
    targets: checkTargets(
      summaries,
      capacity,
      order.filter((id) => id.startsWith('roomcast')),
    ),
    profile,
    failures,
    charts: charts.map(({ file, title }) => ({ file, title })),
  };
  writeFileSync(path.join(outDir, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(path.join(outDir, 'report.md'), markdownReport(results));
  log(`done in ${(results.durationS / 60).toFixed(1)} min: ${path.join(outDir, 'report.md')}`);
}

/** The brokers are ours: they go when the report ends or fails; on Ctrl-C everything in flight goes with them. */
await runWithPrivateBrokers(main, {
  abort: () => interrupt.abort(),
  stopRunning: () => [...runningServers].map((s) => s.stop()),
  log,
  what: 'the servers',
});
