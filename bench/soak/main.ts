// `npm run soak -- --minutes N`: run a roomcast server as a child process under steady chat load plus
// connection churn for N minutes, sample its memory, descriptors, per-thread CPU and per-worker event-loop
// utilisation, print a table, and fail (exit 1) if any of them grows without bound or a steady client
// lost a message.
import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { Command, InvalidArgumentError } from 'commander';
import { makeStatusLine } from '../loadtest/status-line.ts';
import { spawnServer } from '../../harness/server-process.ts';
import { followStats, workerTotal } from '../../harness/stats-records.ts';
import type { ServerStats } from '../../src/control-api.ts';
import { churnKinds, churnOnce, SteadyClient, type Integrity } from './soak-client.ts';
import { sampleServerProcess } from './server-sampler.ts';
import { judgeTrend, type TrendLimit, type TrendVerdict } from './trend.ts';

const positive = (value: string): number => {
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed <= 0) throw new InvalidArgumentError('expected a positive number');
  return parsed;
};

const options = new Command('soak')
  .description('Steady chat load plus connection churn against a roomcast child process; fails if anything grows without bound or is lost.')
  .option('--minutes <n>', 'how long to run (fractions allowed)', positive, 10)
  .option('--clients <n>', 'steady clients, present for the whole run', positive, 300)
  .option('--rooms <n>', 'rooms the steady clients are spread over', positive, 10)
  .option('--rate <n>', 'chat lines per second from all steady clients together', positive, 300)
  .option('--churn-per-second <n>', 'short-lived connections started per second', positive, 4)
  .option('--workers <n>', 'server connection workers', positive, 2)
  .option('--sample-seconds <n>', 'seconds between samples', positive, 5)
  .option('--json <file>', 'also write samples and verdict as JSON')
  .showHelpAfterError()
  .parse()
  .opts<{
    minutes: number;
    clients: number;
    rooms: number;
    rate: number;
    churnPerSecond: number;
    workers: number;
    sampleSeconds: number;
    json?: string;
  }>();

const MiB = 1024 * 1024;
// Allowances for "grows without bound" (see trend.ts): well above the steady-state noise of this load
// on a small machine, well below what a per-message or per-connection leak adds over minutes.
const limits: Record<string, TrendLimit> = {
  rssMiB: { maxSlopePerMinute: 4, maxQuarterRise: 16 },
  openFds: { maxSlopePerMinute: 20, maxQuarterRise: 20 },
  queuedKiB: { maxSlopePerMinute: 256, maxQuarterRise: 1024 },
  heapMiB: { maxSlopePerMinute: 4, maxQuarterRise: 16 },
};

interface Sample {
  seconds: number;
  connections: number;
  rssMiB: number;
  openFds: number;
  queuedKiB: number;
  /** JavaScript heap in use, summed over the connection workers and the coordinator. */
  heapMiB: number;
  deliveriesPerSecond: number;
  /** Per thread, share of one core since the previous sample. */
  cpu: Record<string, number>;
  /** Per connection worker, event-loop utilisation over its last window (the stats interval). */
  elu: number[];
}

/** Runs `task` for each index, `concurrency` at a time. */
async function inBatches(count: number, concurrency: number, task: (index: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, count) }, async () => {
      while (next < count) await task(next++);
    }),
  );
}

const pad = (value: string | number, width: number) => String(value).padStart(width);

function formatTable(samples: readonly Sample[]): string {
  const threads = [...new Set(samples.flatMap((s) => Object.keys(s.cpu)))];
  const workers = Math.max(0, ...samples.map((s) => s.elu.length));
  const header = [
    't(s)',
    'conns',
    'RSS MiB',
    'fds',
    'queued KiB',
    'heap MiB',
    'deliv/s',
    ...threads.map((t) => `cpu ${t}`),
    ...Array.from({ length: workers }, (_, i) => `elu w${i + 1}`),
  ];
  const rows = samples.map((s) => [
    s.seconds.toFixed(0),
    s.connections,
    s.rssMiB.toFixed(1),
    s.openFds,
    s.queuedKiB.toFixed(0),
    s.heapMiB.toFixed(1),
    s.deliveriesPerSecond.toFixed(0),
    ...threads.map((t) => `${((s.cpu[t] ?? 0) * 100).toFixed(0)}%`),
    ...Array.from({ length: workers }, (_, i) => (s.elu[i] === undefined ? '-' : `${(s.elu[i]! * 100).toFixed(0)}%`)),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  return [header, ...rows].map((row) => row.map((cell, i) => pad(cell, widths[i]!)).join('  ')).join('\n');
}

// The server's own figures come from its stats records (harness/stats-records.ts); each thread reports
// ELU over its own last one-second window, so a record a second is as fresh as any sample can use.
const statsIntervalMs = Math.min(1000, options.sampleSeconds * 1000);
const server = await spawnServer([
  '--workers',
  String(options.workers),
  '--handshake-timeout-ms',
  '5000',
  '--stats-interval-ms',
  String(statsIntervalMs),
]);
const pid = server.pid;
const runMs = options.minutes * 60_000;
const status = makeStatusLine(true);
console.log(
  `soak: ${options.minutes} min, ${options.clients} steady clients in ${options.rooms} rooms at ${options.rate} lines/s, ` +
    `${options.churnPerSecond} churn connections/s; server pid ${pid} with ${options.workers} workers; ` +
    `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}`,
);

const statsSince = followStats(server);
const steady: SteadyClient[] = new Array(options.clients);
await inBatches(options.clients, 20, async (i) => {
  steady[i] = await SteadyClient.start(server.port, `s${i}`, `room${i % options.rooms}`);
});
const roomsOf = new Map<string, SteadyClient[]>();
for (const client of steady) roomsOf.set(client.room, [...(roomsOf.get(client.room) ?? []), client]);

const samples: Sample[] = [];
const started = performance.now();
let previous: { at: number; cpu: Map<string, number>; deliveries: number } | undefined;
let lastFigures: ServerStats | undefined;

/** Samples the newest stats record since the last sample; false if the server printed none (it is stuck) or is gone. */
function takeSample(): boolean {
  const figures = statsSince().at(-1);
  const proc = sampleServerProcess(pid);
  if (figures === undefined || proc === undefined) return false;
  lastFigures = figures;
  const at = performance.now();
  const deliveries = workerTotal(figures, 'deliveriesOut');
  if (previous !== undefined) {
    const seconds = (at - previous.at) / 1000;
    const cpu: Record<string, number> = {};
    for (const [thread, used] of proc.threadCpuSeconds) cpu[thread] = (used - (previous.cpu.get(thread) ?? used)) / seconds;
    samples.push({
      seconds: (at - started) / 1000,
      connections: figures.acceptor.liveConnections,
      rssMiB: proc.rssBytes / MiB,
      openFds: proc.openFds,
      queuedKiB: workerTotal(figures, 'queuedBytes') / 1024,
      heapMiB: (figures.coordinator.heapUsedBytes + workerTotal(figures, 'heapUsedBytes')) / MiB,
      deliveriesPerSecond: (deliveries - previous.deliveries) / seconds,
      cpu,
      elu: figures.workers.map((w) => w.eventLoopUtilization),
    });
  }
  previous = { at, cpu: proc.threadCpuSeconds, deliveries };
  return true;
}

// The first sample only starts the CPU and deliveries windows; it waits for the server's first record.
const firstRecordDeadline = performance.now() + 10_000;
while (!takeSample()) {
  if (performance.now() > firstRecordDeadline) throw new Error(`the server logged no stats record within 10 s:\n${server.output()}`);
  await new Promise((resolve) => setTimeout(resolve, 100));
}
const sampler = setInterval(takeSample, options.sampleSeconds * 1000);

// Steady load: a tick every 100 ms sends rate/10 lines, round-robin over the steady clients.
let owed = 0;
let turn = 0;
const payload = 'soak '.repeat(8);
const sender = setInterval(() => {
  owed += options.rate / 10;
  for (; owed >= 1; owed--) steady[turn++ % steady.length]!.sendNext(payload);
}, 100);

// Churn: short-lived connections of every kind, spread over the rooms.
const churning = new Set<Promise<void>>();
let churned = 0;
const churner = setInterval(() => {
  const kind = churnKinds[Math.floor(Math.random() * churnKinds.length)]!;
  const done = churnOnce(server.port, `c${churned++}`, `room${Math.floor(Math.random() * options.rooms)}`, kind, Math.random);
  churning.add(done);
  void done.then(() => churning.delete(done));
}, 1000 / options.churnPerSecond);

status.phase('soak', Math.round(runMs / 1000));
const progress = setInterval(() => {
  const last = samples.at(-1);
  status.update(
    Math.round((performance.now() - started) / 1000),
    last === undefined ? '' : `RSS ${last.rssMiB.toFixed(0)} MiB, ${last.connections} conns, ${last.openFds} fds`,
  );
}, 1000);
await new Promise((resolve) => setTimeout(resolve, runMs));
// Samples cover the loaded run only: the wind-down below would look like a (harmless) fall.
clearInterval(sampler);
takeSample();
clearInterval(sender);
clearInterval(churner);
clearInterval(progress);
status.stop();

// Let the last lines and the churn clients finish before counting.
await Promise.race([Promise.all(churning), new Promise((resolve) => setTimeout(resolve, 30_000))]);
const settleDeadline = performance.now() + 15_000;
while (performance.now() < settleDeadline && steady.some((client) => client.missingFrom(roomsOf.get(client.room)!) > 0)) {
  await new Promise((resolve) => setTimeout(resolve, 100));
}

const integrity: Integrity = { received: 0, lost: 0, duplicatedOrReordered: 0 };
for (const client of steady) {
  const own = client.integrity(roomsOf.get(client.room)!.filter((other) => other !== client));
  integrity.received += own.received;
  integrity.lost += own.lost;
  integrity.duplicatedOrReordered += own.duplicatedOrReordered;
}
// A steady client sees its own lines too: count them as expected deliveries.
const expected = steady.reduce((sum, client) => sum + client.sent * roomsOf.get(client.room)!.length, 0);
const disconnected = steady.filter((client) => client.closed).map((client) => client.nick);
const errorLines = steady.flatMap((client) => client.errors);

const trends: Record<string, TrendVerdict> = {};
const minutes = samples.map((s) => s.seconds / 60);
for (const [series, limit] of Object.entries(limits)) {
  trends[series] = judgeTrend(
    minutes,
    samples.map((s) => s[series as 'rssMiB' | 'openFds' | 'queuedKiB' | 'heapMiB']),
    limit,
  );
}

const failures: string[] = [];
for (const [series, trend] of Object.entries(trends)) {
  if (trend.grows)
    failures.push(
      `${series} keeps growing: ${trend.slopePerMinute.toFixed(2)}/min over the second half, +${trend.quarterRise.toFixed(1)} from Q2 to Q4`,
    );
}
if (integrity.lost > 0 || integrity.duplicatedOrReordered > 0)
  failures.push(`steady clients lost ${integrity.lost} and got ${integrity.duplicatedOrReordered} duplicated/reordered lines`);
if (disconnected.length > 0) failures.push(`steady clients were disconnected: ${disconnected.slice(0, 10).join(', ')}`);
if (errorLines.length > 0) failures.push(`steady clients got error lines, e.g. ${errorLines[0]}`);
if (server.child.exitCode !== null) failures.push(`the server exited with ${server.child.exitCode}`);
if ((lastFigures?.acceptor.workerRestarts ?? 0) > 0) failures.push(`${lastFigures!.acceptor.workerRestarts} connection workers restarted`);
if (samples.length < 4) failures.push(`only ${samples.length} samples: run longer or sample more often`);

for (const client of steady) client.close();
const stopped = await Promise.race([server.stop(), new Promise((resolve) => setTimeout(() => resolve('timeout'), 10_000))]);
if (stopped === 'timeout') {
  failures.push('the server did not stop within 10 s of SIGTERM');
  server.child.kill('SIGKILL');
} else if (stopped !== 0) failures.push(`the server's graceful shutdown exited with ${String(stopped)}`);

console.log(formatTable(samples));
console.log();
for (const [series, trend] of Object.entries(trends)) {
  console.log(
    `${series.padEnd(10)} second-half slope ${trend.slopePerMinute.toFixed(2)}/min, Q4 − Q2 ${trend.quarterRise.toFixed(1)} → ${trend.grows ? 'GROWS' : 'bounded'}`,
  );
}
console.log(
  `integrity  ${integrity.received}/${expected} steady deliveries checked, lost ${integrity.lost}, duplicated/reordered ${integrity.duplicatedOrReordered}; ${churned} churn connections`,
);
console.log(failures.length === 0 ? 'verdict    PASS' : `verdict    FAIL\n${failures.map((failure) => `  - ${failure}`).join('\n')}`);

if (options.json !== undefined) {
  writeFileSync(
    options.json,
    JSON.stringify({ params: options, node: process.version, samples, trends, integrity, expected, churned, failures }, null, 2),
  );
}

process.exit(failures.length === 0 ? 0 : 1);
