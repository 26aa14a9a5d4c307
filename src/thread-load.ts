// How busy this thread is: event-loop utilisation over the last full window and heap in use. The
// window is the thread's own, so any number of callers (the stats line, /stats, the soak) read the
// same figure instead of resetting each other's measurement.
import { performance } from 'node:perf_hooks';

export interface ThreadLoad {
  /** Event-loop utilisation over the last completed window, 0..1. */
  eventLoopUtilization: number;
  heapUsedBytes: number;
}

const windowMs = 1000;

export function startThreadLoadGauge(): () => ThreadLoad {
  let windowStart = performance.eventLoopUtilization();
  let lastWindow = 0;
  setInterval(() => {
    const now = performance.eventLoopUtilization();
    lastWindow = performance.eventLoopUtilization(now, windowStart).utilization;
    windowStart = now;
  }, windowMs).unref();
  return () => ({ eventLoopUtilization: lastWindow, heapUsedBytes: process.memoryUsage().heapUsed });
}
