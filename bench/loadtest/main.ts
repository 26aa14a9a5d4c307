/**
 * `npm run loadtest -- [options]`: drives simulated chat clients against roomcast (or the seed server,
 * NATS, Redis) from piscina shards, then merges their counts and HdrHistograms into one report.
 */
import { Command, InvalidArgumentError } from 'commander';
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { Piscina } from 'piscina';
type RunOptions = NonNullable<Parameters<Piscina['run']>[1]>;
import { monoClock } from '../loadgen/mono-clock.ts';
import { payloadHeaderBytes } from '../loadgen/payload-codec.ts';
import type { ControlMessage, ProtocolName, ShardEvent, ShardProgress, ShardResult, ShardTask, Target } from '../loadgen/types.ts';
import { makePlan } from './plan.ts';
import { sampleProcess, type ProcSample } from '../../harness/proc-sampler.ts';
import { buildReport } from './report.ts';
import { makeStatusLine } from './status-line.ts';
import { summaryTable } from './summary-table.ts';

/** Every process here may hold at most 20,000 files; keep room for the runtime's own. */
const maxSockets = 19_500;
const drainQuietMs = 300;
/** What --protocol may name: the protocols of plain host:port targets (irc and ws come with their URLs). */
const protocols: ProtocolName[] = ['roomcast', 'seed', 'nats', 'redis'];
const defaultTarget = '127.0.0.1:9999';

function int(min: number) {
  return (v: string): number => {
    const x = Number(v);
    if (!Number.isInteger(x) || x < min) throw new InvalidArgumentError(`expected an integer ≥ ${min}`);
    return x;
  };
}

function seconds(v: string): number {
  const x = Number(v);
  if (!Number.isFinite(x) || x < 0) throw new InvalidArgumentError('expected seconds ≥ 0');
  return x;
}

/** host:port (the --protocol), irc://host:port (the IRC door), ws://host:port/path (the browser door's WebSocket). */
const targetPattern = /^(?:(irc):\/\/([^:/]+):(\d+)\/?|(ws):\/\/([^:/]+):(\d+)(\/[^\s]*)?|([^:/]+):(\d+))$/;

function target(v: string, previous: string[]): string[] {
  if (!targetPattern.test(v)) throw new InvalidArgumentError('expected host:port, irc://host:port or ws://host:port/path');
  return previous === defaultTargets ? [v] : [...previous, v];
}
const defaultTargets = [defaultTarget];

const program = new Command('loadtest')
  .description('Load-test a broadcast chat server: N clients, R rooms, P publishers; reports throughput, latency, loss and order.')
  .option(
    '--target <address>',
    'host:port (speaking --protocol), irc://host:port or ws://host:port/path; repeat to spread clients round-robin over several listeners, doors or nodes (all must share rooms)',
    target,
    defaultTargets,
  )
  .option('--protocol <name>', `wire protocol: ${protocols.join(' | ')}`, 'roomcast')
  .option('--clients <n>', 'simulated clients (each one receive connection; Redis publishers open a second)', int(1), 200)
  .option('--rooms <n>', 'rooms (NATS subjects / Redis channels); client i joins room i mod rooms; 1 room = lobby', int(1), 1)
  .option('--publishers <n>', 'clients 0..n-1 publish to their room (every client also receives); 0 = receive only (sink)', int(0), 4)
  .option('--rate <msgs/s>', 'total publish rate, spread evenly over publishers; 0 = as fast as the window allows', int(0), 0)
  .option('--window <n>', "in-flight messages per publisher when --rate 0 (a publisher's own echo is its ack)", int(1), 256)
  .option('--size <bytes>', `payload bytes per message, without protocol framing (≥ ${payloadHeaderBytes})`, int(payloadHeaderBytes), 64)
  .option('--duration <s>', 'measured window', seconds, 10)
  .option('--warmup <s>', 'publishing before the measured window (counted for loss, not for throughput or latency)', seconds, 2)
  .option('--ramp <connects/s>', 'connect rate over all shards', int(1), 2000)
  .option(
    '--drain <s>',
    'after publishing stops, wait at most this long for in-flight messages (ends early after 300 ms of silence)',
    seconds,
    5,
  )
  .option('--threads <n>', 'client shards (piscina worker threads)', int(1), os.availableParallelism())
  .option('--server-pid <pid>', "sample this process's CPU seconds and RSS from /proc over the measured window", int(1))
  .option('--json <file>', 'write the JSON report here (default: a file in the temp directory)')
  .option('--quiet', "no live status line and no summary table: print only the JSON report's path", false)
  .addHelpText(
    'after',
    `
Phases: connect ramp → handshake (roomcast: nick, then wait for own "[room] -- NICK joined") → all ready
→ warmup → measured window → drain → report. Throughput and latency count deliveries received inside the
measured window; loss, duplicates and order cover everything published after all clients were ready.
--target: a seed server shares nothing with another, so several seed targets make separate rooms (their
loss figures are meaningless); NATS/Redis subjects are namespaced roomcast-lt-<pid>-<room>.`,
  );

interface Options {
  target: string[];
  protocol: string;
  clients: number;
  rooms: number;
  publishers: number;
  rate: number;
  window: number;
  size: number;
  duration: number;
  warmup: number;
  ramp: number;
  drain: number;
  threads: number;
  serverPid?: number;
  json?: string;
  quiet: boolean;
}

function parseTargets(specs: string[], protocol: ProtocolName): Target[] {
  return specs.map((s) => {
    const m = targetPattern.exec(s);
    if (m === null) throw new InvalidArgumentError(`bad --target ${s}`);
    if (m[1] !== undefined) return { host: m[2], port: Number(m[3]), protocol: 'irc' };
    if (m[4] !== undefined) return { host: m[5], port: Number(m[6]), protocol: 'ws', path: m[7] ?? '/' };
    return { host: m[8], port: Number(m[9]), protocol };
  });
}

async function main(): Promise<void> {
  program.parse();
  const o = program.opts<Options>();
  if (!protocols.includes(o.protocol as ProtocolName)) program.error(`--protocol must be one of ${protocols.join(', ')}`);
  const protocol = o.protocol as ProtocolName;
  const socketsNeeded = o.clients + (protocol === 'redis' ? o.publishers : 0);
  if (socketsNeeded > maxSockets)
    program.error(`${socketsNeeded} sockets exceed this process's cap (~${maxSockets}): run several load processes`);
  if (o.duration <= 0) program.error('--duration must be > 0');

  const startedAt = new Date();
  const epochNs = process.hrtime.bigint();
  const now = monoClock(epochNs);
  const targets = parseTargets(o.target, protocol);
  const plan = makePlan({
    protocol,
    clients: o.clients,
    rooms: o.rooms,
    publishers: o.publishers,
    threads: o.threads,
    targets: targets.length,
    runTag: process.pid.toString(36),
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
          if (e.type === 'ready') resolve();
          else progress[shard] = e;
        }),
      ),
    );
    const task: ShardTask = {
      shard,
      protocol,
      targets,
      clients,
      roomNames: plan.roomNames,
      nickPrefix: `lt${process.pid.toString(36)}_`,
      publisherRoom: plan.publisherRoom,
      publisherLocalIndex: plan.publisherLocalIndex,
      roomPublisherCount: plan.roomPublishers.map((p) => p.length),
      size: o.size,
      ratePerPublisher: o.publishers > 0 ? o.rate / o.publishers : 0,
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
  const rampTicker = setInterval(() => {
    const t = totals();
    status.update(t.ready + t.failed, `connected ${t.connected}, failed ${t.failed}`);
  }, 200);
  await Promise.race([Promise.all(readyEvents), failure]);
  clearInterval(rampTicker);
  const rampSeconds = now() / 1e9;

  const publishStartNs = now() + 100e6;
  const measureStartNs = publishStartNs + o.warmup * 1e9;
  const measureEndNs = measureStartNs + o.duration * 1e9;
  const start: ControlMessage = { type: 'start', publishStartNs, measureStartNs, measureEndNs };
  for (const p of ports) p.postMessage(start);

  status.phase('run', Math.ceil(o.warmup + o.duration));
  let lastDelivered = 0;
  let lastTickNs = now();
  const runTicker = setInterval(() => {
    const t = totals();
    const tickNs = now();
    const rate = ((t.delivered - lastDelivered) * 1e9) / (tickNs - lastTickNs);
    lastDelivered = t.delivered;
    lastTickNs = tickNs;
    const elapsed = Math.max(0, Math.min(o.warmup + o.duration, (tickNs - publishStartNs) / 1e9));
    status.update(Math.floor(elapsed), `${Math.round(rate).toLocaleString('en-US')} deliveries/s, sent ${t.sent}`);
  }, 500);

  await sleep(Math.max(0, (measureStartNs - now()) / 1e6));
  const generatorStart = process.cpuUsage();
  const serverStart: ProcSample | null = o.serverPid === undefined ? null : sampleProcess(o.serverPid);
  await sleep(Math.max(0, (measureEndNs - now()) / 1e6));
  const generatorCpu = process.cpuUsage(generatorStart);
  const serverEnd: ProcSample | null = o.serverPid === undefined ? null : sampleProcess(o.serverPid);
  status.phase('drain', 1);
  const results = await Promise.race([Promise.all(runs), failure]);
  clearInterval(runTicker);
  status.stop();
  await pool.destroy();

  const report = buildReport(
    {
      protocol,
      targets: o.target,
      clients: o.clients,
      rooms: o.rooms,
      publishers: o.publishers,
      rate: o.rate,
      window: o.window,
      size: o.size,
      durationS: o.duration,
      warmupS: o.warmup,
      rampPerS: o.ramp,
      threads: shardCount,
      drainMaxS: o.drain,
      serverPid: o.serverPid ?? null,
    },
    plan,
    results,
    {
      startedAt,
      rampSeconds,
      windowSeconds: o.duration,
      generatorCpuSeconds: (generatorCpu.user + generatorCpu.system) / 1e6,
      cores: os.availableParallelism(),
      machine: {
        cpus: os.availableParallelism(),
        cpuModel: os.cpus()[0]?.model ?? 'unknown',
        node: process.version,
        platform: `${os.platform()} ${os.release()}`,
      },
      serverStart,
      serverEnd,
    },
  );
  const file = path.resolve(o.json ?? path.join(os.tmpdir(), `roomcast-loadtest-${process.pid}.json`));
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  if (!o.quiet) process.stdout.write(`${summaryTable(report)}\n`);
  process.stdout.write(`JSON report: ${file}\n`);
}

await main();
