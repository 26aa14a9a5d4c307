/**
 * Piscina task: one client shard. Runs its simulated clients through the phases the main thread paces:
 *
 *   connect ramp → handshake → 'ready' event ⇢ wait for 'start' ⇢ publish (warmup, measured window)
 *   → drain (until quiet or drainMaxMs) → close every socket → ShardResult
 *
 * All times are ns on the shared monotonic clock, so windows line up across shards.
 */
import { once } from 'node:events';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { encodeIntoCompressedBase64 } from 'hdr-histogram-js';
import { makeArrivals } from './arrivals.ts';
import { microsecondHistogram, ShardState } from './shard-state.ts';
import { SimClient } from './sim-client.ts';
import type { ControlMessage, ShardEvent, ShardResult, ShardTask, StageWindow } from './types.ts';

const progressEveryMs = 200;
const handshakeRetryMs = 250;
const rampTickMs = 10;
const rateTickMs = 1;
const windowCheckMs = 50;
/** Window mode: a publisher with no echo for this long is assumed to have lost its whole window. */
const windowStallMs = 5000;
/** Rate mode: stop queueing on a connection the kernel no longer drains; the schedule keeps running. */
const maxPublishBacklogBytes = 4 * 1024 * 1024;
const maxFramesPerWrite = 4096;

export default async function runShard(task: ShardTask): Promise<ShardResult> {
  const state = new ShardState(task);
  const port = task.control;
  const post = (event: ShardEvent): void => port.postMessage(event);
  const progress = setInterval(() => {
    const { connected, ready, failed, sent, deliveriesTotal } = state;
    post({ type: 'progress', connected, ready, failed, sent, delivered: deliveriesTotal });
  }, progressEveryMs);
  const startMessage = once(port, 'message') as Promise<[ControlMessage]>;

  let settled = 0;
  let allSettled = (): void => {};
  const settledPromise = new Promise<void>((resolve) => (allSettled = resolve));
  const onSettled = (): void => {
    if (++settled === clients.length) allSettled();
  };
  const clients = task.clients.map((spec) => new SimClient(spec, state, onSettled));
  if (clients.length === 0) allSettled();

  await connectAndHandshake(clients, state, settledPromise);
  const { connected, ready, failed, sent, deliveriesTotal } = state;
  post({ type: 'ready', connected, ready, failed, sent, delivered: deliveriesTotal });

  const [start] = await startMessage;
  if (start.type === 'start') {
    state.start(start.publishStartNs, start.stages);
    const usage = measureOwnUsage(state);
    const publishers = clients.filter((c) => c.spec.publisher >= 0 && c.status === 'ready');
    await sleep(Math.max(0, (start.publishStartNs - state.now()) / 1e6));
    for (const stage of start.stages) {
      if (stage.ratePerPublisher > 0) await publishAtRate(publishers, state, stage);
      else await publishInWindow(publishers, state, stage.endNs);
    }
    await drain(state);
    Object.assign(state, await usage);
  }
  state.flushLatency();
  const total = microsecondHistogram();
  for (const h of state.stageLatency) total.add(h);

  const result: ShardResult = {
    shard: task.shard,
    clients: clients.length,
    connected: state.connected,
    ready: state.ready,
    connectErrors: state.connectErrors,
    handshakeFailures: state.handshakeFailures,
    disconnects: state.disconnects,
    protocolErrors: state.protocolErrors,
    floodErrors: state.floodErrors,
    connectErrorSample: state.connectErrorSample,
    errorSamples: state.errorSamples,
    garbled: state.garbled,
    overlongLines: clients.reduce((n, c) => n + c.overlongLines, 0),
    misrouted: state.misrouted,
    foreign: state.foreign,
    untrackedGaps: clients.reduce((n, c) => n + c.untrackedGaps, 0),
    windowStalls: state.windowStalls,
    sentPerPublisher: state.sentPerPublisher,
    sentInWindow: state.sentInWindow,
    deliveriesInWindow: state.deliveriesInWindow,
    deliveriesTotal: state.deliveriesTotal,
    receivers: clients.filter((c) => c.status === 'ready' || c.status === 'closed').map((c) => c.result()),
    latencyHistogram: encodeIntoCompressedBase64(total),
    stages: state.stages.map((_, i) => ({
      sent: state.stageSent[i],
      deliveries: state.stageDeliveries[i],
      latencyHistogram: encodeIntoCompressedBase64(state.stageLatency[i]),
    })),
    series: {
      published: Array.from(state.seriesPublished, (x) => x ?? 0),
      deliveries: Array.from(state.seriesDeliveries, (x) => x ?? 0),
      latencyHistograms: Array.from(state.seriesLatency, (h) => (h === undefined ? '' : encodeIntoCompressedBase64(h))),
    },
    connectHistogram: encodeIntoCompressedBase64(state.connectTime),
    readyHistogram: encodeIntoCompressedBase64(state.readyTime),
    eventLoopUtilization: state.eventLoopUtilization,
    threadCpuSeconds: state.threadCpuSeconds,
  };
  state.closing = true;
  for (const c of clients) c.close();
  clearInterval(progress);
  port.close();
  return result;
}

/** Connects at task.connectsPerSecond; resolves when every client is ready or failed, or at the deadline. */
async function connectAndHandshake(clients: SimClient[], state: ShardState, settled: Promise<void>): Promise<void> {
  const task = state.task;
  const startNs = state.now();
  let started = 0;
  const ramp = setInterval(() => {
    const due = Math.min(clients.length, Math.ceil(((state.now() - startNs) / 1e9) * task.connectsPerSecond) + 1);
    while (started < due) clients[started++].connect();
    if (started === clients.length) clearInterval(ramp);
  }, rampTickMs);
  const retry = setInterval(() => {
    for (const c of clients) c.retryHandshake();
  }, handshakeRetryMs);
  const deadline = AbortSignal.timeout(task.readyTimeoutMs);
  await Promise.race([settled, once(deadline, 'abort')]);
  clearInterval(ramp);
  clearInterval(retry);
  for (const c of clients) {
    if (c.status === 'idle') c.status = 'failed';
    c.abandon();
  }
}

/** Event-loop utilisation and this thread's CPU from the first stage's measured window to the end of the last. */
async function measureOwnUsage(state: ShardState): Promise<{ eventLoopUtilization: number; threadCpuSeconds: number }> {
  const stages = state.stages;
  await sleep(Math.max(0, (stages[0].measureStartNs - state.now()) / 1e6));
  const elu = performance.eventLoopUtilization();
  const cpu = process.threadCpuUsage();
  await sleep(Math.max(0, (stages[stages.length - 1].endNs - state.now()) / 1e6));
  const cpuDelta = process.threadCpuUsage(cpu);
  return {
    eventLoopUtilization: performance.eventLoopUtilization(elu).utilization,
    threadCpuSeconds: (cpuDelta.user + cpuDelta.system) / 1e6,
  };
}

/**
 * Fixed rate for one stage: each publisher's messages are due on its own schedule (arrivals.ts: staggered
 * phases or Poisson gaps) and stamped with that scheduled time, not the time they left, so a stalled server
 * shows up as latency (no coordinated omission). A publisher whose connection no longer drains keeps its
 * schedule; what fell due meanwhile goes out, with its old stamps, once the backlog clears (what is still
 * unsent when the stage ends is never sent: the stage's published count says so).
 */
async function publishAtRate(publishers: SimClient[], state: ShardState, stage: StageWindow): Promise<void> {
  const { arrivals, publishers: publisherCount } = state.task;
  const intervalNs = 1e9 / stage.ratePerPublisher;
  const endNs = stage.endNs;
  const due = publishers.map((p) => makeArrivals(arrivals, stage.startNs, intervalNs, p.spec.publisher, publisherCount));
  const batch = new Float64Array(maxFramesPerWrite);
  await new Promise<void>((resolve) => {
    const tick = setInterval(() => {
      const now = Math.min(state.now(), endNs);
      for (let i = 0; i < publishers.length; i++) {
        const p = publishers[i];
        if (p.publishBacklogBytes() > maxPublishBacklogBytes) continue;
        const schedule = due[i];
        let count = 0;
        while (count < maxFramesPerWrite && schedule.nextNs <= now && schedule.nextNs < endNs) {
          batch[count++] = schedule.nextNs;
          schedule.advance();
        }
        if (count > 0) p.publishAt(batch, count);
      }
      if (now >= endNs) {
        clearInterval(tick);
        resolve();
      }
    }, rateTickMs);
  });
}

/**
 * As fast as possible: each publisher keeps `window` messages in flight, counting its own echo as the
 * acknowledgement, and refills once per event-loop turn (setImmediate) so acks arriving together are
 * answered with one write.
 */
async function publishInWindow(publishers: SimClient[], state: ShardState, endNs: number): Promise<void> {
  const window = state.task.window;
  let refillQueued = false;
  const refill = (): void => {
    refillQueued = false;
    const now = state.now();
    if (now >= endNs) return;
    for (const p of publishers) {
      const credit = window - p.inflight;
      if (credit > 0) p.publish(credit, now);
    }
  };
  const queueRefill = (): void => {
    if (refillQueued) return;
    refillQueued = true;
    setImmediate(refill);
  };
  const startNs = state.now();
  for (const p of publishers) p.lastAckNs = startNs;
  refill();
  await new Promise<void>((resolve) => {
    state.afterAck = queueRefill;
    const check = setInterval(() => {
      const now = state.now();
      for (const p of publishers) {
        if (p.inflight > 0 && now - p.lastAckNs > windowStallMs * 1e6) {
          state.windowStalls++;
          p.inflight = 0;
          p.lastAckNs = now;
          queueRefill();
        }
      }
      if (now >= endNs) {
        state.afterAck = null;
        clearInterval(check);
        resolve();
      }
    }, windowCheckMs);
  });
}

/** Waits until no data has arrived for drainQuietMs (in-flight messages landed), at most drainMaxMs. */
async function drain(state: ShardState): Promise<void> {
  const { drainQuietMs, drainMaxMs } = state.task;
  const startNs = state.now();
  while (true) {
    await sleep(Math.min(50, drainQuietMs));
    const now = state.now();
    if (now - state.lastDataNs >= drainQuietMs * 1e6 || now - startNs >= drainMaxMs * 1e6) return;
  }
}
