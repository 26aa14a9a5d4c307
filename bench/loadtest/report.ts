/**
 * Merges the shards' results into the run's report: the JSON the macro benchmark reads, field by field.
 * Window figures (throughput, latency) cover messages received inside the measured window; integrity
 * figures (loss, duplicates, order) cover every message published after all clients were ready.
 */
import { saturatedElu, saturationReasons } from './generator-saturation.ts';
import { decodeFromCompressedBase64, encodeIntoCompressedBase64, type Histogram } from 'hdr-histogram-js';
import type { ShardResult } from '../loadgen/types.ts';
import { microsecondHistogram } from '../loadgen/shard-state.ts';
import { findKnee, type Knee } from './knee.ts';
import { checkRoomOrder } from './order-check.ts';
import type { MaxLoss } from './thresholds.ts';
import type { Plan } from './plan.ts';
import type { ProcSample } from '../../harness/proc-sampler.ts';

export interface RunParams {
  protocol: string;
  targets: string[];
  clients: number;
  rooms: number;
  publishers: number;
  rate: number;
  window: number;
  size: number;
  durationS: number;
  warmupS: number;
  rampPerS: number;
  threads: number;
  drainMaxS: number;
  /** The first --server-pid (null without one); every one is in serverPids. */
  serverPid: number | null;
  /** Added in schemaVersion 2: the offered total rate of each stage ([rate] without --rates). */
  rates: number[];
  arrivals: string;
  maxLoss: MaxLoss;
  maxP99Ms: number | null;
  minDeliveriesPerSecond: number | null;
  /** Added in schemaVersion 2 (later, additive): every --server-pid, in order (empty without one). */
  serverPids: number[];
}

export interface Percentiles {
  count: number;
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  max: number;
  mean: number;
}

/** One stage of a sweep (the only stage without --rates): offered vs achieved, latency, server CPU. */
export interface StageReport {
  offeredRate: number;
  /** Messages/s that made it through: deliveries/s over the mean room size of a publisher. */
  achievedRate: number;
  published: number;
  publishedPerSecond: number;
  deliveries: number;
  deliveriesPerSecond: number;
  latencyUs: Percentiles;
  serverCpuCores: number | null;
}

/** One second since publishing started (warmup, stages and drain): to find a stall in time. */
export interface SecondReport {
  second: number;
  published: number;
  deliveries: number;
  p50Us: number;
  p99Us: number;
  maxUs: number;
  serverCpuCores: number | null;
}

/** One --server-pid's own figures over the window(s). */
export interface ServerProcessReport {
  pid: number;
  /** Short name from /proc at the start: "node main.ts", "redis-server", "nats-server". */
  name: string;
  cpuSeconds: number;
  cpuCores: number;
  rssStartBytes: number;
  rssEndBytes: number;
  peakRssBytes: number;
}

export interface CheckFailure {
  check: string;
  message: string;
}

export interface LoadReport {
  tool: 'roomcast-loadtest';
  /**
   * 2 added params.rates/arrivals/thresholds, integrity.neverDelivered, errors.floodErrors/connectErrorSamples, stages, knee, series, checks;
   * later, still additive: params.serverPids, server.pids and server.processes (several --server-pid, summed).
   */
  schemaVersion: 2;
  startedAt: string;
  machine: { cpus: number; cpuModel: string; node: string; platform: string };
  params: RunParams;
  connect: {
    attempted: number;
    connected: number;
    ready: number;
    rampSeconds: number;
    readyPerSecond: number;
    connectUs: Percentiles;
    readyUs: Percentiles;
  };
  throughput: { windowSeconds: number; published: number; publishedPerSecond: number; deliveries: number; deliveriesPerSecond: number };
  latencyUs: Percentiles;
  integrity: {
    published: number;
    expectedDeliveries: number;
    uniqueDeliveries: number;
    lost: number;
    lossRatio: number;
    duplicates: number;
    reordered: number;
    misrouted: number;
    garbled: number;
    foreign: number;
    untrackedGaps: number;
    /** Published messages that no member of their room received: dropped on the way in (throttling, rejection). */
    neverDelivered: number;
    lossless: boolean;
  };
  order: { rooms: number; consistentRooms: number; divergentRooms: number; unverifiableRooms: number; consistent: boolean };
  errors: {
    connectErrors: number;
    handshakeFailures: number;
    disconnects: number;
    protocolErrors: number;
    /** Error lines saying a sender was throttled (FLOODING, FLOOD_DISCONNECT). */
    floodErrors: number;
    /** First connect error code per shard (ECONNREFUSED…). */
    connectErrorSamples: string[];
    overlongLines: number;
    windowStalls: number;
    /** Up to 5 error lines per shard, verbatim. */
    samples: string[];
  };
  /** Every --server-pid together: CPU and RSS summed (peakRssBytes: the sum of each process's peak). */
  server: null | {
    /** The first --server-pid. */
    pid: number;
    pids: number[];
    processes: ServerProcessReport[];
    cpuSeconds: number;
    cpuCores: number;
    rssStartBytes: number;
    rssEndBytes: number;
    peakRssBytes: number;
    deliveriesPerCpuSecond: number;
  };
  generator: {
    cpuSeconds: number;
    cpuCores: number;
    shards: { shard: number; clients: number; eventLoopUtilization: number; cpuSeconds: number }[];
    saturated: boolean;
    warnings: string[];
  };
  histograms: { latencyUs: string; connectUs: string; readyUs: string };
  stages: StageReport[];
  knee: Knee | null;
  series: SecondReport[];
  /** Filled by the thresholds (thresholds.ts) once the report is built. */
  checks: { passed: boolean; failures: CheckFailure[] };
}

export interface RunSamples {
  startedAt: Date;
  rampSeconds: number;
  windowSeconds: number;
  /** From the first measured window's start to the last one's end (the window itself without --rates). */
  spanSeconds: number;
  generatorCpuSeconds: number;
  cores: number;
  machine: LoadReport['machine'];
  /** All server processes summed at the first window's start and the last one's end (null: none, or one gone). */
  serverStart: ProcSample | null;
  serverEnd: ProcSample | null;
  /** Each --server-pid: its name, and its samples at the same two instants. */
  processes: { pid: number; name: string; start: ProcSample | null; end: ProcSample | null }[];
  /** Server CPU cores per stage's measured window and per second of the series (null without --server-pid). */
  stageServerCores: (number | null)[];
  secondServerCores: (number | null)[];
}

function percentiles(h: Histogram): Percentiles {
  return {
    count: h.totalCount,
    p50: h.getValueAtPercentile(50),
    p90: h.getValueAtPercentile(90),
    p99: h.getValueAtPercentile(99),
    p999: h.getValueAtPercentile(99.9),
    max: h.maxValue,
    mean: Math.round(h.mean),
  };
}

function merge(encoded: string[]): Histogram {
  const total = microsecondHistogram();
  for (const e of encoded) if (e !== '') total.add(decodeFromCompressedBase64(e));
  return total;
}

/** The latency histogram of every measured window, merged over shards (for --hgrm). */
export function latencyHistogram(results: ShardResult[]): Histogram {
  return merge(results.map((r) => r.latencyHistogram));
}

const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);

export function buildReport(params: RunParams, plan: Plan, results: ShardResult[], s: RunSamples): LoadReport {
  const total = (pick: (r: ShardResult) => number): number => sum(results.map(pick));
  const sentPerPublisher = plan.publisherRoom.map((_, p) => total((r) => r.sentPerPublisher[p]));
  const roomSent = plan.roomPublishers.map((pubs) => pubs.map((p) => sentPerPublisher[p]));

  // Loss is counted over members still connected at the end; a disconnect is reported on its own.
  let expected = 0;
  let unique = 0;
  const membersByRoom = plan.roomNames.map(() => [] as { checkpoints: number[]; lossless: boolean }[]);
  for (const receiver of results.flatMap((r) => r.receivers)) {
    const sent = roomSent[receiver.room];
    const got = sum(receiver.unique);
    const lossless = got === sum(sent);
    if (receiver.connected) {
      expected += sum(sent);
      unique += got;
    }
    membersByRoom[receiver.room].push({ checkpoints: receiver.checkpoints, lossless });
  }
  const verdicts = membersByRoom.map(checkRoomOrder);
  // A message no member received never got past the server's door: count per publisher, best receiver.
  const bestReceived = plan.publisherRoom.map(() => 0);
  for (const receiver of results.flatMap((r) => r.receivers)) {
    plan.roomPublishers[receiver.room].forEach((p, local) => {
      bestReceived[p] = Math.max(bestReceived[p], receiver.unique[local]);
    });
  }
  const neverDelivered = sum(sentPerPublisher.map((sent, p) => Math.max(0, sent - bestReceived[p])));

  const latency = merge(results.map((r) => r.latencyHistogram));
  const connectH = merge(results.map((r) => r.connectHistogram));
  const readyH = merge(results.map((r) => r.readyHistogram));
  const published = sum(sentPerPublisher);
  const lost = expected - unique;
  const integrity = {
    published,
    expectedDeliveries: expected,
    uniqueDeliveries: unique,
    lost,
    lossRatio: expected === 0 ? 0 : lost / expected,
    duplicates: sum(results.flatMap((r) => r.receivers.map((x) => x.duplicates))),
    reordered: sum(results.flatMap((r) => r.receivers.map((x) => x.reordered))),
    misrouted: total((r) => r.misrouted),
    garbled: total((r) => r.garbled),
    foreign: total((r) => r.foreign),
    untrackedGaps: total((r) => r.untrackedGaps),
    neverDelivered,
    lossless: false,
  };
  integrity.lossless = lost === 0 && integrity.duplicates === 0 && integrity.misrouted === 0 && integrity.garbled === 0;

  const deliveries = total((r) => r.deliveriesInWindow);
  const shards = results.map((r) => ({
    shard: r.shard,
    clients: r.clients,
    eventLoopUtilization: r.eventLoopUtilization,
    cpuSeconds: r.threadCpuSeconds,
  }));
  const generatorCores = s.generatorCpuSeconds / s.spanSeconds;
  let serverCpu = 0;
  if (s.serverStart !== null && s.serverEnd !== null) serverCpu = s.serverEnd.cpuSeconds - s.serverStart.cpuSeconds;
  const serverCores = serverCpu / s.spanSeconds;
  const warnings = saturationReasons({
    cores: s.cores,
    generatorCores,
    serverCores,
    shardElus: shards.map((sh) => sh.eventLoopUtilization),
  });
  const saturated = warnings.length > 0;
  if (generatorCores + serverCores > saturatedElu * s.cores) {
    warnings.push(
      `generator (${generatorCores.toFixed(2)} cores) and server together use ~all ${s.cores} cores: CPU-bound box, compare per CPU-second`,
    );
  }

  const ready = total((r) => r.ready);
  const stages = stagesReport(params, plan, results, s);
  return {
    tool: 'roomcast-loadtest',
    schemaVersion: 2,
    startedAt: s.startedAt.toISOString(),
    machine: s.machine,
    params,
    connect: {
      attempted: total((r) => r.clients),
      connected: total((r) => r.connected),
      ready,
      rampSeconds: s.rampSeconds,
      readyPerSecond: s.rampSeconds > 0 ? ready / s.rampSeconds : 0,
      connectUs: percentiles(connectH),
      readyUs: percentiles(readyH),
    },
    throughput: {
      windowSeconds: s.windowSeconds,
      published: total((r) => r.sentInWindow),
      publishedPerSecond: total((r) => r.sentInWindow) / s.windowSeconds,
      deliveries,
      deliveriesPerSecond: deliveries / s.windowSeconds,
    },
    latencyUs: percentiles(latency),
    integrity,
    order: {
      rooms: verdicts.length,
      consistentRooms: verdicts.filter((v) => v.divergent === 0 && v.unverifiable === 0).length,
      divergentRooms: verdicts.filter((v) => v.divergent > 0).length,
      unverifiableRooms: verdicts.filter((v) => v.divergent === 0 && v.unverifiable > 0).length,
      consistent: verdicts.every((v) => v.divergent === 0 && v.unverifiable === 0),
    },
    errors: {
      connectErrors: total((r) => r.connectErrors),
      handshakeFailures: total((r) => r.handshakeFailures),
      disconnects: total((r) => r.disconnects),
      protocolErrors: total((r) => r.protocolErrors),
      floodErrors: total((r) => r.floodErrors),
      connectErrorSamples: results.flatMap((r) => (r.connectErrorSample === null ? [] : [r.connectErrorSample])),
      overlongLines: total((r) => r.overlongLines),
      windowStalls: total((r) => r.windowStalls),
      samples: results.flatMap((r) => r.errorSamples),
    },
    server:
      s.serverStart === null || s.serverEnd === null || params.serverPid === null
        ? null
        : {
            pid: params.serverPid,
            pids: params.serverPids,
            processes: processReports(s),
            cpuSeconds: serverCpu,
            cpuCores: serverCpu / s.spanSeconds,
            rssStartBytes: s.serverStart.rssBytes,
            rssEndBytes: s.serverEnd.rssBytes,
            peakRssBytes: s.serverEnd.peakRssBytes,
            deliveriesPerCpuSecond: serverCpu > 0 ? deliveries / serverCpu : 0,
          },
    generator: { cpuSeconds: s.generatorCpuSeconds, cpuCores: generatorCores, shards, saturated, warnings },
    histograms: {
      latencyUs: encodeIntoCompressedBase64(latency),
      connectUs: encodeIntoCompressedBase64(connectH),
      readyUs: encodeIntoCompressedBase64(readyH),
    },
    stages,
    knee: stages.length > 1 ? findKnee(stages.map((st) => ({ ...st, p99Us: st.latencyUs.p99 }))) : null,
    series: seriesReport(results, s.secondServerCores),
    checks: { passed: true, failures: [] },
  };
}

/** Each server process over the window(s); a process sampled at both edges (else the sum is null too). */
function processReports(s: RunSamples): ServerProcessReport[] {
  return s.processes.flatMap(({ pid, name, start, end }) => {
    if (start === null || end === null) return [];
    const cpuSeconds = end.cpuSeconds - start.cpuSeconds;
    return [
      {
        pid,
        name,
        cpuSeconds,
        cpuCores: cpuSeconds / s.spanSeconds,
        rssStartBytes: start.rssBytes,
        rssEndBytes: end.rssBytes,
        peakRssBytes: end.peakRssBytes,
      },
    ];
  });
}

/** Deliveries per published message: the mean size of a publisher's room (every member receives, the sender too). */
function fanout(plan: Plan, results: ShardResult[]): number {
  const members = plan.roomNames.map(() => 0);
  for (const r of results) for (const receiver of r.receivers) members[receiver.room]++;
  const perPublisher = plan.publisherRoom.map((room) => members[room]);
  return perPublisher.length === 0 ? 0 : sum(perPublisher) / perPublisher.length;
}

function stagesReport(params: RunParams, plan: Plan, results: ShardResult[], s: RunSamples): StageReport[] {
  const perMessage = fanout(plan, results);
  return params.rates.map((offeredRate, i) => {
    const published = sum(results.map((r) => r.stages[i]?.sent ?? 0));
    const deliveries = sum(results.map((r) => r.stages[i]?.deliveries ?? 0));
    const deliveriesPerSecond = deliveries / params.durationS;
    return {
      offeredRate,
      achievedRate: perMessage > 0 ? deliveriesPerSecond / perMessage : 0,
      published,
      publishedPerSecond: published / params.durationS,
      deliveries,
      deliveriesPerSecond,
      latencyUs: percentiles(merge(results.map((r) => r.stages[i]?.latencyHistogram ?? ''))),
      serverCpuCores: s.stageServerCores[i] ?? null,
    };
  });
}

function seriesReport(results: ShardResult[], serverCores: (number | null)[]): SecondReport[] {
  const seconds = Math.max(0, ...results.map((r) => Math.max(r.series.published.length, r.series.deliveries.length)));
  return Array.from({ length: seconds }, (_, second) => {
    const latency = merge(results.map((r) => r.series.latencyHistograms[second] ?? ''));
    return {
      second,
      published: sum(results.map((r) => r.series.published[second] ?? 0)),
      deliveries: sum(results.map((r) => r.series.deliveries[second] ?? 0)),
      p50Us: latency.totalCount === 0 ? 0 : latency.getValueAtPercentile(50),
      p99Us: latency.totalCount === 0 ? 0 : latency.getValueAtPercentile(99),
      maxUs: latency.totalCount === 0 ? 0 : latency.maxValue,
      serverCpuCores: serverCores[second] ?? null,
    };
  });
}
