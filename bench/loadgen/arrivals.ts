/**
 * When a fixed-rate publisher's messages are due (open loop: the schedule never waits for the server).
 *
 * - staggered: every `intervalNs`, publisher i of P starting i/P of an interval late, so P publishers at
 *   the same rate send one after another instead of all at the same instant every interval.
 * - poisson: exponentially distributed gaps with mean `intervalNs` (independent users), as wrk2 and k6's
 *   open models offer; bursts and lulls come from the distribution, not from a shared tick.
 */
import type { ArrivalKind } from './types.ts';

export interface Arrivals {
  /** The due time of the next message, ns on the run's clock. */
  readonly nextNs: number;
  advance(): void;
}

export function makeArrivals(
  kind: ArrivalKind,
  startNs: number,
  intervalNs: number,
  publisher: number,
  publishers: number,
  random: () => number = Math.random,
): Arrivals {
  if (kind === 'poisson') {
    // 1 - random() is in (0, 1]: the log is finite.
    const gap = (): number => -Math.log(1 - random()) * intervalNs;
    const a = {
      nextNs: startNs + gap(),
      advance(): void {
        a.nextNs += gap();
      },
    };
    return a;
  }
  const first = startNs + (publisher / publishers) * intervalNs;
  let k = 0;
  const a = {
    nextNs: first,
    advance(): void {
      // Multiplied, not summed, so rounding never drifts over millions of messages.
      a.nextNs = first + ++k * intervalNs;
    },
  };
  return a;
}
