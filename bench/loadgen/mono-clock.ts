/**
 * Nanoseconds since `epochNs` on the monotonic clock. process.hrtime is process-wide, so the main thread
 * and every shard thread agree on it; the difference fits a double exactly for months.
 */
export function monoClock(epochNs: bigint): () => number {
  return () => Number(process.hrtime.bigint() - epochNs);
}
