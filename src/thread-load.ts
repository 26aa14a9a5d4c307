// How busy this thread is: event-loop utilisation over the last full window and heap in use. The
// window is the thread's own, so any number of callers (the stats record, /stats, /metrics) read the
// same figure instead of resetting each other's measurement.
import { performance } from 'node:perf_hooks';

export interface ThreadLoad {
  /** Event-loop utilisation over the last completed window, 0..1. */
  eventLoopUtilization: number;
  heapUsedBytes: number;
}

const windowMs = 1000;

/** Worker threads measure for their whole life; the main thread stops when `signal` aborts (server closed). */
export function startThreadLoadGauge(signal?: AbortSignal): () => ThreadLoad {
  let windowStart = performance.eventLoopUtilization();
  let lastWindow = 0;
  const timer = setInterval(() => {
    const now = performance.eventLoopUtilization();
    lastWindow = performance.eventLoopUtilization(now, windowStart).utilization;
    windowStart = now;
  }, windowMs).unref();
  signal?.addEventListener('abort', () => clearInterval(timer), { once: true });
  return () => ({ eventLoopUtilization: lastWindow, heapUsedBytes: process.memoryUsage().heapUsed });
}
