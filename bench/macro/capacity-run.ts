/**
 * Scenario 4: several load-tool processes (each capped at 20,000 open files) ramp clients onto one
 * server and hold them; once the server holds them all we sample its RSS, push past its connection cap
 * with raw probes, and check it still serves. Everything is bounded by the tool's hold and timeouts.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { sampleProcess } from '../../harness/proc-sampler.ts';
import type { LoadReport } from '../loadtest/report.ts';
import { probeCap, type ProbeResult } from './cap-probe.ts';
import type { RunningServer } from './servers.ts';
import { runLoad } from './load-run.ts';
import type { CapacityShape } from './scenarios.ts';

export interface CapacityResult {
  server: string;
  shape: CapacityShape;
  target: number;
  /** Connections the server held at the peak (its open fds less those it had before the ramp). */
  peakConnections: number;
  ready: number;
  /** All processes ramped concurrently: the sum of their ready-per-second rates. */
  readyPerSecond: number;
  /** Slowest process's ramp, from its start to its last client ready. */
  rampSeconds: number;
  connectP50Us: number;
  connectP99Us: number;
  rssIdleBytes: number;
  rssFullBytes: number;
  rssPerConnectionBytes: number;
  disconnects: number;
  connectErrors: number;
  handshakeFailures: number;
  probe: ProbeResult | null;
  aliveAfter: boolean;
}

const pollMs = 200;

function openFds(pid: number): number {
  try {
    return readdirSync(`/proc/${pid}/fd`).length;
  } catch {
    return 0;
  }
}

/** Resolves once the server holds `count` more fds than at `baseline`, or when `done` settles. */
async function waitForConnections(pid: number, baseline: number, count: number, done: Promise<unknown>): Promise<number> {
  let finished = false;
  void done.finally(() => (finished = true));
  let peak = 0;
  while (!finished) {
    peak = Math.max(peak, openFds(pid) - baseline);
    if (peak >= count) return peak;
    await sleep(pollMs);
  }
  return peak;
}

export async function runCapacity(
  server: RunningServer,
  serverId: string,
  shape: CapacityShape,
  runDir: string,
  probe: boolean,
  signal?: AbortSignal,
): Promise<CapacityResult> {
  const target = shape.processes * shape.clientsPerProcess;
  const fdBaseline = openFds(server.pid);
  const rssIdle = sampleProcess(server.pid)?.rssBytes ?? 0;
  const args = [
    '--clients',
    String(shape.clientsPerProcess),
    '--rooms',
    String(shape.rooms),
    '--publishers',
    '0',
    '--duration',
    String(shape.holdS),
    '--warmup',
    '0',
    '--ramp',
    String(shape.rampPerProcess),
    '--threads',
    '1',
  ];
  const runs = Array.from({ length: shape.processes }, (_, i) =>
    runLoad({
      server,
      protocol: 'roomcast',
      args,
      jsonFile: path.join(runDir, `4-${serverId}-p${i + 1}.json`),
      timeoutMs: 120_000,
      signal,
    }),
  );
  const all = Promise.all(runs);
  const peakConnections = await waitForConnections(server.pid, fdBaseline, target, all);
  const rssFull = sampleProcess(server.pid)?.rssBytes ?? 0;
  const probeResult = probe && peakConnections >= target ? await probeCap(server.host, server.port, shape.probeConnections) : null;
  const reports = await all;
  const connected = reports.reduce((a, r) => a + r.connect.ready, 0);
  const max = (pick: (r: LoadReport) => number): number => Math.max(...reports.map(pick));
  const sum = (pick: (r: LoadReport) => number): number => reports.reduce((a, r) => a + pick(r), 0);
  return {
    server: serverId,
    shape,
    target,
    peakConnections,
    ready: connected,
    readyPerSecond: sum((r) => r.connect.readyPerSecond),
    rampSeconds: max((r) => r.connect.rampSeconds),
    connectP50Us: max((r) => r.connect.connectUs.p50),
    connectP99Us: max((r) => r.connect.connectUs.p99),
    rssIdleBytes: rssIdle,
    rssFullBytes: rssFull,
    rssPerConnectionBytes: connected > 0 ? (rssFull - rssIdle) / connected : 0,
    disconnects: sum((r) => r.errors.disconnects),
    connectErrors: sum((r) => r.errors.connectErrors),
    handshakeFailures: sum((r) => r.errors.handshakeFailures),
    probe: probeResult,
    aliveAfter: server.alive(),
  };
}
