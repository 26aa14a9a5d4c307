// How busy this thread is: event-loop utilisation and event-loop delay over the last full window, and
// heap in use. The window is the thread's own, so any number of callers (the stats record, /stats,
// /metrics) read the same figures instead of resetting each other's measurement.
//
// Every thread cuts its windows at the same wall-clock multiples of the window length, so the figures of
// all threads describe the same span of time; with --stats-interval-ms the window is that interval and
// the stats record is taken half a window after each cut (loadWindowMs, msToNextRecord): each record
// holds the window just ended, none skipped, none twice.
import { createHistogram, performance } from 'node:perf_hooks';

export interface ThreadLoad {
  /** Event-loop utilisation over the last completed window, 0..1. */
  eventLoopUtilization: number;
  /** How late this thread's loop came back to a timer, in the last completed window: a long turn, a GC pause or no CPU. */
  eventLoopDelayP50Ms: number;
  eventLoopDelayP99Ms: number;
  eventLoopDelayMaxMs: number;
  heapUsedBytes: number;
}

/** The delay sampler's period: a timer this often per thread costs nothing measurable. */
const delayResolutionMs = 10;
const defaultWindowMs = 1000;
/** Shorter windows hold too few delay samples to say anything. */
const shortestWindowMs = 100;

/** The window every thread measures over: the stats interval when records are logged, else a second. */
export function loadWindowMs(statsIntervalMs: number): number {
  return statsIntervalMs > 0 ? Math.max(statsIntervalMs, shortestWindowMs) : defaultWindowMs;
}

/** Milliseconds from `nowMs` (wall clock) to the next stats record: half a window after the next cut. */
export function msToNextRecord(nowMs: number, windowMs: number): number {
  return msToNextCut(nowMs + windowMs / 2, windowMs);
}

/** Milliseconds from `nowMs` (wall clock) to the next cut; a timer that fired a little early skips the cut just ahead. */
export function msToNextCut(nowMs: number, windowMs: number): number {
  const untilCut = windowMs - (nowMs % windowMs);
  return untilCut < windowMs / 10 ? untilCut + windowMs : untilCut;
}

/** Worker threads measure for their whole life; the main thread stops when `signal` aborts (server closed). */
export function startThreadLoadGauge(windowMs: number, signal?: AbortSignal): () => ThreadLoad {
  // What monitorEventLoopDelay does, sampled here instead: its reset() also forgets the previous tick, so
  // the one interval after each cut would go unrecorded, and a stall in it with it.
  const delays = createHistogram();
  let lastTickMs = performance.now();
  const sampler = setInterval(() => {
    const nowMs = performance.now();
    // The part of the interval past the period is how late the loop came back.
    delays.record(Math.max(1, Math.round((nowMs - lastTickMs - delayResolutionMs) * 1e6)));
    lastTickMs = nowMs;
  }, delayResolutionMs).unref();
  let windowStart = performance.eventLoopUtilization();
  let last: Omit<ThreadLoad, 'heapUsedBytes'> = {
    eventLoopUtilization: 0,
    eventLoopDelayP50Ms: 0,
    eventLoopDelayP99Ms: 0,
    eventLoopDelayMaxMs: 0,
  };
  const ms = (nanoseconds: number) => (delays.count > 0 ? nanoseconds / 1e6 : 0);
  let timer: NodeJS.Timeout;
  const cut = () => {
    const now = performance.eventLoopUtilization();
    last = {
      eventLoopUtilization: performance.eventLoopUtilization(now, windowStart).utilization,
      eventLoopDelayP50Ms: ms(delays.percentile(50)),
      eventLoopDelayP99Ms: ms(delays.percentile(99)),
      eventLoopDelayMaxMs: ms(delays.max),
    };
    delays.reset();
    windowStart = now;
    timer = setTimeout(cut, msToNextCut(Date.now(), windowMs)).unref();
  };
  timer = setTimeout(cut, msToNextCut(Date.now(), windowMs)).unref();
  signal?.addEventListener(
    'abort',
    () => {
      clearTimeout(timer);
      clearInterval(sampler);
    },
    { once: true },
  );
  return () => ({ ...last, heapUsedBytes: process.memoryUsage().heapUsed });
}
