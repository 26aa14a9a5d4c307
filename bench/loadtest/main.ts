/**
 * `npm run loadtest -- [options]`: drives simulated chat clients against roomcast (or the seed server,
 * NATS, Redis) from piscina shards, then merges their counts and HdrHistograms into one report, checks it
 * against the thresholds, and exits 0 (passed), 1 (a check failed), 2 (bad usage) or 3 (nothing to measure).
 */
import { existsSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { CommanderError } from 'commander';
import { Piscina } from 'piscina';
import { processName } from '../../harness/process-name.ts';
import { sampleProcess } from '../../harness/proc-sampler.ts';
import { monoClock } from '../loadgen/mono-clock.ts';
import type { ControlMessage, ShardEvent, ShardProgress, ShardResult, ShardTask, StageWindow } from '../loadgen/types.ts';
import { parseCommandLine, type RunConfig, UsageError } from './cli.ts';
import { makePlan } from './plan.ts';
import { ProcTimeline } from './proc-timeline.ts';
import { buildReport, latencyHistogram } from './report.ts';
import { renderStageChart } from './stage-chart.ts';
import { makeStatusLine } from './status-line.ts';
import { summaryTable } from './summary-table.ts';
import { evaluateChecks } from './thresholds.ts';

type RunOptions = NonNullable<Parameters<Piscina['run']>[1]>;

const drainQuietMs = 300;
export const exitCodes = { passed: 0, checkFailed: 1, usage: 2, nothingMeasured: 3 } as const;

const n = (x: number): string => Math.round(x).toLocaleString('en-US');

/** The configuration, or the process ends: --help with 0, anything wrong with one line and 2. */
function configure(): RunConfig {
  try {
    const config = parseCommandLine(process.argv);
    for (const pid of config.serverPids) {
      if (sampleProcess(pid) === null) throw new UsageError(`--server-pid ${pid}: no such process (or /proc cannot read it)`);
    }
    // Found out now, not after the run: a report with nowhere to go.
    for (const [flag, file] of [
      ['--json', config.json],
      ['--hgrm', config.hgrm],
      ['--chart', config.chart],
    ] as const) {
      if (file !== undefined && file !== '-' && !existsSync(path.dirname(path.resolve(file)))) {
        throw new UsageError(`${flag} ${file}: directory ${path.dirname(path.resolve(file))} does not exist`);
      }
    }
    return config;
  } catch (error) {
    if (error instanceof CommanderError) process.exit(error.exitCode);
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`loadtest: ${error.message} (see --help)\n`);
    process.exit(exitCodes.usage);
  }
}

/** Stage windows back to back from publishStartNs: each its warmup, then its measured window. */
function stageWindows(o: RunConfig, publishStartNs: number): StageWindow[] {
  const perStageNs = (o.warmup + o.duration) * 1e9;
  return o.rates.map((rate, i) => {
    const startNs = publishStartNs + i * perStageNs;
    return {
      ratePerPublisher: o.publishers > 0 ? rate / o.publishers : 0,
      startNs,
      measureStartNs: startNs + o.warmup * 1e9,
      endNs: startNs + perStageNs,
    };
  });
}

async function main(): Promise<number> {
  const o = configure();
  // Named now: a process that exits during the run still has its name in the report.
  const serverNames = o.serverPids.map(processName);
  // With the JSON on stdout, everything meant for people goes to stderr.
  const human = o.json === '-' ? process.stderr : process.stdout;
  const startedAt = new Date();
  const epochNs = process.hrtime.bigint();
  const now = monoClock(epochNs);
  const runTag = process.pid.toString(36);
  const plan = makePlan({
    protocol: o.protocol,
    clients: o.clients,
    rooms: o.rooms,
    room: o.room,
    publishers: o.publishers,
    threads: o.threads,
    targets: o.targets.length,
    runTag,
  });
  const shardCount = plan.shards.length;
  const status = makeStatusLine(!o.quiet);
  const pool = new Piscina<ShardTask, ShardResult>({
    filename: new URL('../loadgen/shard.ts', import.meta.url).href,
    minThreads: shardCount,
    maxThreads: shardCount,
    concurrentTasksPerWorker: 1,
  });

  const progress: ShardProgress[] = plan.shards.map(() => ({ connected: 0, ready: 0, failed: 0, sent: 0, delivered: 0 }));
  const ports: MessagePort[] = [];
  const readyEvents: Promise<unknown>[] = [];
  const runs = plan.shards.map((clients, shard) => {
    const { port1, port2 } = new MessageChannel();
    ports.push(port1);
    readyEvents.push(
      new Promise<void>((resolve) =>
        port1.on('message', (e: ShardEvent) => {
          const { type: _, ...counts } = e;
          progress[shard] = counts;
          if (e.type === 'ready') resolve();
        }),
      ),
    );
    const task: ShardTask = {
      shard,
      protocol: o.protocol,
      targets: o.targets,
      clients,
      roomNames: plan.roomNames,
      nickPrefix: `lt${runTag}_`,
      publisherRoom: plan.publisherRoom,
      publisherLocalIndex: plan.publisherLocalIndex,
      roomPublisherCount: plan.roomPublishers.map((p) => p.length),
      size: o.size,
      publishers: o.publishers,
      arrivals: o.arrivals,
      window: o.window,
      connectsPerSecond: o.ramp / shardCount,
      readyTimeoutMs: 10_000 + Math.ceil((2 * o.clients * 1000) / o.ramp),
      drainMaxMs: o.drain * 1000,
      drainQuietMs,
      epochNs,
      control: port2,
    };
    // piscina infers TransferList from MessagePort.postMessage's last overload, which @types/node 26
    // declares as an options object; at runtime piscina passes this array to postMessage unchanged.
    const transferList = [port2] as unknown as RunOptions['transferList'];
    return pool.run(task, { transferList });
  });
  const totals = (): ShardProgress =>
    progress.reduce(
      (a, p) => ({
        connected: a.connected + p.connected,
        ready: a.ready + p.ready,
        failed: a.failed + p.failed,
        sent: a.sent + p.sent,
        delivered: a.delivered + p.delivered,
      }),
      { connected: 0, ready: 0, failed: 0, sent: 0, delivered: 0 },
    );

  // A shard that throws must end the run instead of leaving the others waiting for it.
  const failure = Promise.all(runs).then(() => new Promise<never>(() => {}));
  status.phase('connect', o.clients);
  const connectDetail = (t: ShardProgress): string => `${t.ready} ready, ${t.failed} failed, ${o.clients - t.ready - t.failed} pending`;
  const rampTicker = setInterval(() => {
    const t = totals();
    status.update(t.ready + t.failed, connectDetail(t));
  }, 200);
  await Promise.race([Promise.all(readyEvents), failure]);
  clearInterval(rampTicker);
  const rampSeconds = now() / 1e9;
  const connected = totals();
  status.finish(connected.ready + connected.failed, `${connectDetail(connected)} in ${rampSeconds.toFixed(2)} s`);

  if (connected.ready === 0) {
    const abort: ControlMessage = { type: 'abort' };
    for (const p of ports) p.postMessage(abort);
    const results = await Promise.race([Promise.all(runs), failure]);
    await pool.destroy();
    const codes = [...new Set(results.flatMap((r) => (r.connectErrorSample === null ? [] : [r.connectErrorSample])))];
    const why = codes.length > 0 ? codes.join(', ') : `${n(results.reduce((a, r) => a + r.handshakeFailures, 0))} handshake failures`;
    const samples = results.flatMap((r) => r.errorSamples).slice(0, 3);
    process.stderr.write(
      `loadtest: no client connected to ${o.targetSpecs.join(', ')}: ${why}${samples.length > 0 ? ` (server said: ${samples.join(' | ')})` : ''}\n`,
    );
    return exitCodes.nothingMeasured;
  }

  const publishStartNs = now() + 100e6;
  const stages = stageWindows(o, publishStartNs);
  const lastEndNs = stages[stages.length - 1].endNs;
  const start: ControlMessage = { type: 'start', publishStartNs, stages };
  for (const p of ports) p.postMessage(start);

  // CPU at every second of the series (through the longest drain) and at every window's edges.
  const timeline = new ProcTimeline(o.serverPids, now);
  const seriesSeconds = Math.ceil((lastEndNs - publishStartNs) / 1e9 + o.drain) + 1;
  const instants = [
    ...Array.from({ length: seriesSeconds + 1 }, (_, k) => publishStartNs + k * 1e9),
    ...stages.flatMap((s) => [s.measureStartNs, s.endNs]),
  ];
  const sampling = timeline.run([...new Set(instants)].sort((a, b) => a - b));

  const runSeconds = Math.ceil((lastEndNs - publishStartNs) / 1e9);
  status.phase('run', runSeconds);
  let lastDelivered = totals().delivered;
  let lastTickNs = now();
  const stageAt = (ns: number): number =>
    Math.max(
      0,
      stages.findLastIndex((s) => s.startNs <= ns),
    );
  const runTicker = setInterval(() => {
    const t = totals();
    const tickNs = now();
    const rate = ((t.delivered - lastDelivered) * 1e9) / (tickNs - lastTickNs);
    lastDelivered = t.delivered;
    lastTickNs = tickNs;
    const elapsed = Math.max(0, Math.min(runSeconds, (tickNs - publishStartNs) / 1e9));
    const i = stageAt(tickNs);
    const stage = stages.length > 1 ? `stage ${i + 1}/${stages.length} at ${n(o.rates[i])} msg/s: ` : '';
    status.update(Math.floor(elapsed), `${stage}${n(rate)} deliveries/s, sent ${n(t.sent)}`);
  }, 500);
  await sleep(Math.max(0, (lastEndNs - now()) / 1e6));
  clearInterval(runTicker);
  status.finish(runSeconds, `sent ${n(totals().sent)}, delivered ${n(totals().delivered)}`);

  status.phase('drain', o.drain);
  const drainTicker = setInterval(() => {
    const t = totals();
    status.update(Math.round((now() - lastEndNs) / 1e8) / 10, `delivered ${n(t.delivered)}`);
  }, 200);
  const results = await Promise.race([Promise.all(runs), failure]);
  clearInterval(drainTicker);
  const drainSeconds = Math.round((now() - lastEndNs) / 1e8) / 10;
  status.finish(drainSeconds, `s, delivered ${n(results.reduce((a, r) => a + r.deliveriesTotal, 0))}`);
  timeline.stop();
  await pool.destroy();
  await sampling;

  const firstMeasureNs = stages[0].measureStartNs;
  const generatorCpu = (timeline.at(lastEndNs)?.generatorCpuSeconds ?? 0) - (timeline.at(firstMeasureNs)?.generatorCpuSeconds ?? 0);
  const report = buildReport(
    {
      protocol: o.protocol,
      targets: o.targetSpecs,
      clients: o.clients,
      rooms: o.rooms,
      publishers: o.publishers,
      rate: o.rates[0],
      window: o.window,
      size: o.size,
      durationS: o.duration,
      warmupS: o.warmup,
      rampPerS: o.ramp,
      threads: shardCount,
      drainMaxS: o.drain,
      serverPid: o.serverPids[0] ?? null,
      serverPids: o.serverPids,
      rates: o.rates,
      arrivals: o.arrivals,
      maxLoss: o.maxLoss,
      maxP99Ms: o.maxP99Ms ?? null,
      minDeliveriesPerSecond: o.minDeliveriesPerSecond ?? null,
    },
    plan,
    results,
    {
      startedAt,
      rampSeconds,
      windowSeconds: o.duration * stages.length,
      spanSeconds: (lastEndNs - firstMeasureNs) / 1e9,
      generatorCpuSeconds: generatorCpu,
      cores: os.availableParallelism(),
      machine: {
        cpus: os.availableParallelism(),
        cpuModel: os.cpus()[0]?.model ?? 'unknown',
        node: process.version,
        platform: `${os.platform()} ${os.release()}`,
      },
      serverStart: timeline.at(firstMeasureNs)?.server ?? null,
      serverEnd: timeline.at(lastEndNs)?.server ?? null,
      processes: o.serverPids.map((pid, i) => ({
        pid,
        name: serverNames[i],
        start: timeline.at(firstMeasureNs)?.processes[i] ?? null,
        end: timeline.at(lastEndNs)?.processes[i] ?? null,
      })),
      stageServerCores: stages.map((s) => timeline.serverCores(s.measureStartNs, s.endNs)),
      secondServerCores: Array.from({ length: seriesSeconds }, (_, k) =>
        timeline.serverCores(publishStartNs + k * 1e9, publishStartNs + (k + 1) * 1e9),
      ),
    },
  );
  const failures = evaluateChecks(report);
  report.checks = { passed: failures.length === 0, failures };

  const json = `${JSON.stringify(report, null, 2)}\n`;
  let jsonFile: string | null = null;
  if (o.json === '-') process.stdout.write(json);
  else {
    jsonFile = path.resolve(o.json ?? path.join(os.tmpdir(), `roomcast-loadtest-${process.pid}.json`));
    writeFileSync(jsonFile, json);
  }
  if (o.hgrm !== undefined) writeFileSync(o.hgrm, latencyHistogram(results).outputPercentileDistribution(5, 1000));
  let chartFile: string | null = null;
  if (stages.length > 1) {
    const base = jsonFile ?? path.join(os.tmpdir(), `roomcast-loadtest-${process.pid}.json`);
    chartFile = path.resolve(o.chart ?? `${base.replace(/\.json$/, '')}.stages.svg`);
    writeFileSync(chartFile, await renderStageChart(report));
  }

  if (!o.quiet) human.write(`${summaryTable(report)}\n`);
  if (jsonFile !== null) human.write(`JSON report: ${jsonFile}\n`);
  if (o.hgrm !== undefined) human.write(`latency histogram (.hgrm, ms): ${path.resolve(o.hgrm)}\n`);
  if (chartFile !== null) human.write(`sweep chart: ${chartFile}\n`);
  for (const f of failures) process.stderr.write(`FAIL ${f.check}: ${f.message}\n`);
  return failures.length === 0 ? exitCodes.passed : exitCodes.checkFailed;
}

process.exitCode = await main();
