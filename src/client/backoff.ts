// Reconnect delays. Exponential, so a server that is down is not hammered; capped, so once it is back a
// user waits at most maxDelayMs; jittered, so the many clients a server restart drops at the same moment
// do not all come back in the same millisecond.
export interface BackoffPolicy {
  baseDelayMs: number;
  maxDelayMs: number;
}

/**
 * The wait before reconnect attempt `attempt` (0 for the first): uniform in [ceiling/2, ceiling] with
 * ceiling = min(maxDelayMs, baseDelayMs·2^attempt). Half the ceiling is kept as a floor so that a retry
 * never fires at once ("equal jitter").
 */
export function retryDelayMs(attempt: number, policy: BackoffPolicy, random: () => number = Math.random): number {
  // 2^31 already dwarfs any sane cap; stopping the exponent there keeps the product finite.
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.min(attempt, 31));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}
