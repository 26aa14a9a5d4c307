/**
 * `npm run bench:profile`: where each thread's CPU goes per delivery and per message, measured with
 * Linux perf (on-CPU samples, kernel included) while the load tool drives a server. For each server
 * asked for: start it with --perf-basic-prof, start the load tool (a long measured window), record
 * `--seconds` of samples from the middle of that window, and divide each thread role's and activity's
 * CPU by the deliveries and messages of those seconds (the load tool's window rates × the seconds).
 *
 *   npm run bench:profile -- --servers roomcast-w1,roomcast-w2,coalescing --window 64
 *   npm run bench:profile -- --servers roomcast-w1,redis --rate 1000      # open loop, Poisson arrivals
 *
 * Needs `perf` (Debian: linux-perf) and permission to record another process (root, or
 * kernel.perf_event_paranoid ≤ 1).
 */
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Command, InvalidArgumentError } from 'commander';
import { startChildServer } from '../../harness/child-server.ts';
import type { LoadReport } from '../loadtest/report.ts';
import { privateBroker, stopPrivateBrokers } from '../macro/private-brokers.ts';
import { roomcastBenchFlags } from '../macro/servers.ts';
import { activityNames, type CostBreakdown, costBreakdown } from './cost-breakdown.ts';
import { parsePerfScript } from './perf-samples.ts';

const run = promisify(execFile);
const script = (relative: string): string => fileURLToPath(new URL(relative, import.meta.url));
const count = (value: string): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('a positive whole number');
  return n;
};

const options = new Command('bench:profile')
  .description('CPU per delivery and per message of each thread role and activity, from perf samples under load')
  .option(
    '--servers <ids>',
    'comma-separated: roomcast-wN (N workers), coalescing, or redis (a private redis-server: its CPU by kernel and user, no JS roles)',
    'roomcast-w1,roomcast-w2,coalescing',
  )
  .option('--clients <n>', 'load-tool clients in one room', count, 200)
  .option('--publishers <n>', 'publishing clients', count, 4)
  .option('--window <n>', 'in-flight messages per publisher (closed loop)', count, 64)
  .option('--rate <msgs/s>', 'open loop instead: this total rate, Poisson arrivals', count)
  .option('--seconds <s>', 'seconds of samples, from the middle of the measured window', count, 5)
  .option('--hz <n>', 'perf sampling frequency', count, 1999)
  .option('--json <file>', 'also write the breakdowns as JSON here')
  .parse()
  .opts<{
    servers: string;
    clients: number;
    publishers: number;
    window: number;
    rate?: number;
    seconds: number;
    hz: number;
    json?: string;
  }>();

try {
  execFileSync('perf', ['--version'], { stdio: 'ignore' });
} catch {
  console.error('bench:profile needs Linux perf: apt-get install linux-perf');
  process.exit(2);
}

interface Profiled {
  server: string;
  deliveriesPerSecond: number;
  messagesPerSecond: number;
  /** The load tool's own figure over its whole window (/proc CPU), for comparison with perf's. */
  deliveriesPerCpuSecond: number | null;
  /** write(2)-family calls per second during the recording (/proc/PID/io syscw): how well output coalesced. */
  writeCallsPerSecond: number;
  breakdown: CostBreakdown;
}

/** The process's write-family system calls so far (every socket write is one). */
function writeCalls(pid: number): number {
  return Number(/^syscw: (\d+)$/m.exec(readFileSync(`/proc/${pid}/io`, 'utf8'))?.[1] ?? Number.NaN);
}

/**
 * --perf-basic-prof writes JIT symbols to /tmp/perf-PID.map for perf; it also turns on V8's code-event log,
 * which would otherwise land in the working directory as one isolate-*.log per thread.
 */
const perfFlags = (dir: string): string[] => ['--perf-basic-prof', '--no-logfile-per-isolate', `--logfile=${path.join(dir, 'v8.log')}`];

/** A server being profiled: its address, its pid for perf, and how to end it. */
interface Profilee {
  host: string;
  port: number;
  pid: number;
  protocol: string;
  stop(): Promise<unknown>;
}

async function launch(id: string, dir: string): Promise<Profilee> {
  const workers = /^roomcast-w(\d+)$/.exec(id);
  if (workers !== null) {
    const args = [...perfFlags(dir), script('../../src/main.ts'), '--port', '0', '--workers', workers[1]!, ...roomcastBenchFlags];
    return { ...(await startChildServer(process.execPath, args)), protocol: 'roomcast' };
  }
  if (id === 'coalescing') {
    const args = [...perfFlags(dir), script('../baselines/coalescing-server.ts'), '--port', '0'];
    return { ...(await startChildServer(process.execPath, args)), protocol: 'seed' };
  }
  if (id === 'redis') return { ...(await privateBroker('redis')), protocol: 'redis', stop: stopPrivateBrokers };
  throw new Error(`unknown server ${id}: roomcast-wN, coalescing or redis`);
}

async function profile(id: string, dir: string): Promise<Profiled> {
  const server = await launch(id, dir);
  const { protocol } = server;
  try {
    const reportFile = path.join(dir, `${id}.json`);
    // The measured window outlasts the recording on both sides: connects, warmup and the JIT's tier-up
    // before (seconds 1–5 compile much of the hot path), slack after.
    const leadS = 5;
    const load = run(
      process.execPath,
      [
        script('../loadtest/main.ts'),
        ...['--target', `${server.host}:${server.port}`, '--protocol', protocol, '--server-pid', String(server.pid)],
        ...['--clients', String(options.clients), '--publishers', String(options.publishers)],
        ...(options.rate === undefined ? ['--window', String(options.window)] : ['--rate', String(options.rate), '--arrivals', 'poisson']),
        ...['--warmup', '1', '--duration', String(options.seconds + leadS + 1), '--quiet', '--json', reportFile],
      ],
      { timeout: (options.seconds + 60) * 1000, killSignal: 'SIGKILL' },
    );
    await sleep(leadS * 1000);
    const data = path.join(dir, `${id}.perf.data`);
    const writesBefore = writeCalls(server.pid);
    await run('perf', [
      'record',
      '-F',
      String(options.hz),
      '-g',
      '-p',
      String(server.pid),
      '-o',
      data,
      '--',
      'sleep',
      String(options.seconds),
    ]);
    const writes = writeCalls(server.pid) - writesBefore;
    await load.catch(() => {}); // a threshold the tool reports as failed still leaves its JSON
    const report = JSON.parse(readFileSync(reportFile, 'utf8')) as LoadReport;
    const { stdout } = await run('perf', ['script', '-i', data, '-F', 'comm,tid,ip,sym'], { maxBuffer: 1 << 30 });
    const deliveries = report.throughput.deliveriesPerSecond * options.seconds;
    const messages = report.throughput.publishedPerSecond * options.seconds;
    return {
      server: id,
      deliveriesPerSecond: report.throughput.deliveriesPerSecond,
      messagesPerSecond: report.throughput.publishedPerSecond,
      deliveriesPerCpuSecond: report.server?.deliveriesPerCpuSecond ?? null,
      writeCallsPerSecond: writes / options.seconds,
      breakdown: costBreakdown(parsePerfScript(stdout), options.hz, deliveries, messages),
    };
  } finally {
    await server.stop();
    rmSync(`/tmp/perf-${server.pid}.map`, { force: true });
  }
}

function print(p: Profiled): void {
  const b = p.breakdown;
  const m = (n: number): string => `${(n / 1e6).toFixed(2)} M`;
  console.log(`\n## ${p.server}: ${m(p.deliveriesPerSecond)} deliveries/s, ${(p.messagesPerSecond / 1e3).toFixed(1)} k messages/s`);
  console.log(
    `perf: ${b.cpuSeconds.toFixed(2)} CPU-s in ${options.seconds} s = ${b.nsPerDelivery.toFixed(0)} ns per delivery (${m(1e9 / b.nsPerDelivery)} per CPU-s; the load tool's /proc figure: ${p.deliveriesPerCpuSecond === null ? '–' : m(p.deliveriesPerCpuSecond)}), ${(b.nsPerMessage / 1e3).toFixed(1)} µs per message`,
  );
  const deliveriesPerWrite = p.deliveriesPerSecond / p.writeCallsPerSecond;
  console.log(`write calls: ${(p.writeCallsPerSecond / 1e3).toFixed(1)} k/s, ${deliveriesPerWrite.toFixed(1)} deliveries per write`);
  console.log(
    `threads: ${Object.entries(b.threads)
      .map(([role, n]) => `${role} ×${n}`)
      .join(', ')}\n`,
  );
  console.log('| thread role | activity | share | ns per delivery | µs per message |');
  console.log('| --- | --- | ---: | ---: | ---: |');
  const order = (activity: string): number => activityNames.indexOf(activity);
  const cells = [...b.cells].sort((x, y) => x.role.localeCompare(y.role) || order(x.activity) - order(y.activity));
  for (const c of cells) {
    if (c.share < 0.005) continue;
    console.log(
      `| ${c.role} | ${c.activity} | ${(c.share * 100).toFixed(1)} % | ${c.nsPerDelivery.toFixed(1)} | ${(c.nsPerMessage / 1e3).toFixed(2)} |`,
    );
  }
}

const dir = mkdtempSync(path.join(tmpdir(), 'roomcast-profile-'));
const results: Profiled[] = [];
console.log(
  `bench:profile: ${options.clients} clients in one room, ${options.publishers} publishers, ${options.rate === undefined ? `window ${options.window}` : `${options.rate} msg/s (Poisson)`}, ${options.seconds} s of perf samples at ${options.hz} Hz per server; scratch files in ${dir}`,
);
for (const id of options.servers.split(',')) {
  const profiled = await profile(id.trim(), dir);
  results.push(profiled);
  print(profiled);
}
if (options.json !== undefined) writeFileSync(options.json, `${JSON.stringify(results, null, 2)}\n`);
