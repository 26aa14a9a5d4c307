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
import { ShardState } from './shard-state.ts';
import { SimClient } from './sim-client.ts';
import type { ControlMessage, ShardEvent, ShardResult, ShardTask } from './types.ts';

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
  post({ type: 'ready', ready: state.ready, failed: state.failed });

  const [start] = await startMessage;
  state.measureStartNs = start.measureStartNs;
  state.measureEndNs = start.measureEndNs;
  const usage = measureOwnUsage(state);
  const publishers = clients.filter((c) => c.spec.publisher >= 0 && c.status === 'ready');
  await sleep(Math.max(0, (start.publishStartNs - state.now()) / 1e6));
  if (task.ratePerPublisher > 0) await publishAtRate(publishers, state);
  else await publishInWindow(publishers, state);
  await drain(state);
  const { eventLoopUtilization, threadCpuSeconds } = await usage;
  state.flushLatency();

  const result: ShardResult = {
    shard: task.shard,
    clients: clients.length,
    connected: state.connected,
    ready: state.ready,
    connectErrors: state.connectErrors,
    handshakeFailures: state.handshakeFailures,
    disconnects: state.disconnects,
    protocolErrors: state.protocolErrors,
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
    latencyHistogram: encodeIntoCompressedBase64(state.latency),
    connectHistogram: encodeIntoCompressedBase64(state.connectTime),
    readyHistogram: encodeIntoCompressedBase64(state.readyTime),
    eventLoopUtilization,
    threadCpuSeconds,
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

/** Event-loop utilisation and this thread's CPU over the measured window. */
async function measureOwnUsage(state: ShardState): Promise<{ eventLoopUtilization: number; threadCpuSeconds: number }> {
  await sleep(Math.max(0, (state.measureStartNs - state.now()) / 1e6));
  const elu = performance.eventLoopUtilization();
  const cpu = process.threadCpuUsage();
  await sleep(Math.max(0, (state.measureEndNs - state.now()) / 1e6));
  const cpuDelta = process.threadCpuUsage(cpu);
  return {
    eventLoopUtilization: performance.eventLoopUtilization(elu).utilization,
    threadCpuSeconds: (cpuDelta.user + cpuDelta.system) / 1e6,
  };
}

/**
 * Fixed rate: each publisher's k-th message is due at publishStart + k·interval and is stamped with that
 * scheduled time, not the time it left, so a stalled server shows up as latency (no coordinated omission).
 */
async function publishAtRate(publishers: SimClient[], state: ShardState): Promise<void> {
  const intervalNs = 1e9 / state.task.ratePerPublisher;
  const firstDueNs = state.now();
  for (const p of publishers) p.nextDueNs = firstDueNs;
  const endNs = state.measureEndNs;
  await new Promise<void>((resolve) => {
    const tick = setInterval(() => {
      const now = Math.min(state.now(), endNs);
      for (const p of publishers) {
        if (p.nextDueNs > now || p.publishBacklogBytes() > maxPublishBacklogBytes) continue;
        const count = Math.min(maxFramesPerWrite, Math.floor((now - p.nextDueNs) / intervalNs) + 1);
        p.publish(count, p.nextDueNs, intervalNs);
        p.nextDueNs += count * intervalNs;
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
async function publishInWindow(publishers: SimClient[], state: ShardState): Promise<void> {
  const window = state.task.window;
  const endNs = state.measureEndNs;
  let refillQueued = false;
  const refill = (): void => {
    refillQueued = false;
    const now = state.now();
    if (now >= endNs) return;
    for (const p of publishers) {
      const credit = window - p.inflight;
      if (credit > 0) p.publish(credit, now, 0);
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
