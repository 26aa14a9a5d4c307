// `npm run bench:overload`: does a listing storm starve chat? For each abuser count N, a fresh server
// (2 workers, default limits) hosts two bystanders chatting at a modest rate, measuring how long each of
// their lines takes to reach the other, while N abusers from 127.0.0.1 spend their whole default flood
// budget on /rooms, /who and /history 100. Prints bystander latency p50/p99/max and the server's RSS
// growth during the storm and what remains after it, as a table and as JSON lines. Loopback only; each
// step lasts about stormS + a few seconds and the run stops by itself.
import { once } from 'node:events';
import net from 'node:net';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import { defaultConfig } from '../../src/config.ts';
import { sampleProcess } from '../../harness/proc-sampler.ts';
import { spawnServer } from '../../harness/server-process.ts';
import { followStats } from '../../harness/stats-records.ts';
import type { AbuserData, AbuserReport } from './abuser-worker.ts';

const { values } = parseArgs({
  options: {
    abusers: { type: 'string', default: '0,100,300,900' },
    'storm-s': { type: 'string', default: '10' },
    'bystander-rate': { type: 'string', default: '5' },
  },
});
const abuserCounts = values.abusers.split(',').map(Number);
const stormMs = Number(values['storm-s']) * 1000;
const bystanderLinesPerSecond = Number(values['bystander-rate']);
/** How long lines still in flight when the storm ends may take before they count as lost. */
const graceMs = 10_000;
/** History filler, so /history 100 has a full room to answer with. */
const fillerLines = 50;
const filler = 'x'.repeat(60);
const mib = 1024 * 1024;

/** A bystander: sends timestamped lines and times the other bystander's lines as they arrive. */
class Bystander {
  readonly socket: net.Socket;
  readonly latenciesMs: number[] = [];
  sent = 0;
  fillerSeen = 0;
  #partial = '';

  private constructor(socket: net.Socket, other: string) {
    this.socket = socket;
    socket.setEncoding('utf8');
    socket.on('error', () => {});
    const prefix = `[lobby] <${other}> `;
    socket.on('data', (text: string) => {
      const lines = (this.#partial + text).split('\n');
      this.#partial = lines.pop()!;
      const now = performance.now();
      for (const line of lines) {
        if (!line.startsWith(prefix)) continue;
        const body = line.slice(prefix.length);
        if (body.startsWith('t ')) this.latenciesMs.push(now - Number(body.slice(2)));
        else this.fillerSeen++;
      }
    });
  }

  static async join(port: number, nick: string, other: string): Promise<Bystander> {
    const socket = net.connect(port, '127.0.0.1');
    await once(socket, 'connect');
    const bystander = new Bystander(socket, other);
    socket.write(`${nick}\n`);
    await until(() => bystander.socket.bytesRead > 0, 10_000);
    return bystander;
  }

  sendTimed(): void {
    this.sent++;
    this.socket.write(`t ${performance.now()}\n`);
  }
}

async function until(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  while (!condition()) {
    if (performance.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return true;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

interface StepResult {
  abusers: number;
  bystanderLines: number;
  lost: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  rssBeforeMiB: number;
  rssGrowthMiB: number;
  rssAfterMiB: number;
  abusersClosedByServer: number;
  inputPausedMs?: number;
  overloadMs?: number;
  overloads?: number;
}

async function step(abusers: number): Promise<StepResult> {
  // Default limits, but for the per-address connect rate, which spawnServer lifts: the storm is N connections
  // already in (under the per-address cap), and at 10 connects/s 900 abusers would take 90 s just to arrive.
  // The pause and overload figures come from the server's stats records, one a second.
  const server = await spawnServer(['--workers', '2', '--stats-interval-ms', '1000']);
  const statsSince = followStats(server);
  try {
    const a = await Bystander.join(server.port, 'bystander_a', 'bystander_b');
    const b = await Bystander.join(server.port, 'bystander_b', 'bystander_a');
    for (let i = 0; i < fillerLines; i++) a.socket.write(`${i} ${filler}\n`);
    for (let i = 0; i < fillerLines; i++) b.socket.write(`${i} ${filler}\n`);
    await until(() => a.fillerSeen === fillerLines && b.fillerSeen === fillerLines, 10_000);
    // Let the filler's flood budget refill, so the bystanders' own lines are never throttled.
    await new Promise((resolve) => setTimeout(resolve, 2000));

    let worker: Worker | undefined;
    if (abusers > 0) {
      const { floodMessagesPerSecond } = defaultConfig;
      const data: AbuserData = {
        port: server.port,
        count: abusers,
        linesPerSecond: floodMessagesPerSecond,
        burstLines: 2 * floodMessagesPerSecond,
      };
      worker = new Worker(new URL('./abuser-worker.ts', import.meta.url), { workerData: data });
      const [report] = (await once(worker, 'message')) as [AbuserReport];
      if (report.type !== 'connected') throw new Error('abusers did not connect');
    }
    const rssBefore = sampleProcess(server.pid)?.rssBytes ?? 0;
    let rssPeak = rssBefore;
    const sampler = setInterval(() => {
      rssPeak = Math.max(rssPeak, sampleProcess(server.pid)?.rssBytes ?? 0);
    }, 250);
    worker?.postMessage('start');
    const chat = setInterval(() => {
      a.sendTimed();
      b.sendTimed();
    }, 1000 / bystanderLinesPerSecond);
    await new Promise((resolve) => setTimeout(resolve, stormMs));
    clearInterval(chat);
    let closedByServer = 0;
    if (worker !== undefined) {
      worker.postMessage('stop');
      const [report] = (await once(worker, 'message')) as [AbuserReport];
      if (report.type === 'stopped') closedByServer = report.closedByServer;
      await worker.terminate();
    }
    const stormEnd = performance.now();
    await until(() => a.latenciesMs.length === b.sent && b.latenciesMs.length === a.sent, graceMs);
    // What is still missing counts with the time it had been waiting (a lower bound on its latency).
    const missing = b.sent - a.latenciesMs.length + (a.sent - b.latenciesMs.length);
    const waited = performance.now() - stormEnd;
    await new Promise((resolve) => setTimeout(resolve, 2000));
    clearInterval(sampler);
    const rssAfter = sampleProcess(server.pid)?.rssBytes ?? 0;
    rssPeak = Math.max(rssPeak, rssAfter);
    a.socket.destroy();
    b.socket.destroy();
    // The newest record, gathered after the storm: the longest input pause of any worker, and the coordinator's overload.
    const stats = statsSince().at(-1);
    const latencies = [...a.latenciesMs, ...b.latenciesMs, ...Array.from({ length: missing }, () => waited)].sort((x, y) => x - y);
    return {
      abusers,
      bystanderLines: a.sent + b.sent,
      lost: missing,
      p50Ms: percentile(latencies, 50),
      p99Ms: percentile(latencies, 99),
      maxMs: latencies.at(-1) ?? Number.NaN,
      rssBeforeMiB: rssBefore / mib,
      rssGrowthMiB: (rssPeak - rssBefore) / mib,
      rssAfterMiB: rssAfter / mib,
      abusersClosedByServer: closedByServer,
      inputPausedMs: stats && Math.max(0, ...stats.workers.map((worker) => worker.backpressureMs)),
      overloadMs: stats?.coordinator.overloadMs,
      overloads: stats?.coordinator.overloads,
    };
  } finally {
    await server.stop();
  }
}

const results: StepResult[] = [];
for (const abusers of abuserCounts) {
  const result = await step(abusers);
  results.push(result);
  console.log(JSON.stringify(result));
}

const round = (value: number) => (Number.isNaN(value) ? 'n/a' : value.toFixed(value < 10 ? 1 : 0));
console.log();
console.log(
  '| abusers | bystander lines (lost) | p50 ms | p99 ms | max ms | RSS before MiB | RSS growth MiB | RSS after MiB | abusers dropped | input paused ms | overload ms (times) |',
);
console.log('|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
const figure = (value: number | undefined) => (value === undefined ? 'n/a' : String(value));
for (const r of results) {
  console.log(
    `| ${r.abusers} | ${r.bystanderLines} (${r.lost}) | ${round(r.p50Ms)} | ${round(r.p99Ms)} | ${round(r.maxMs)} | ${round(r.rssBeforeMiB)} | ${round(r.rssGrowthMiB)} | ${round(r.rssAfterMiB)} | ${r.abusersClosedByServer} | ${figure(r.inputPausedMs)} | ${figure(r.overloadMs)} (${figure(r.overloads)}) |`,
  );
}
