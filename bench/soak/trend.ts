// Does a sampled figure grow without bound? A warm-up climb and steady-state noise are normal; a leak
// keeps climbing. So a series fails only if, over the second half of the run, both its least-squares
// slope and the rise from the second quarter's mean to the last quarter's mean exceed the allowance.

export interface TrendLimit {
  /** Largest acceptable least-squares slope over the second half, in units per minute. */
  maxSlopePerMinute: number;
  /** Largest acceptable rise of the last quarter's mean over the second quarter's mean, in units. */
  maxQuarterRise: number;
}

export interface TrendVerdict {
  slopePerMinute: number;
  quarterRise: number;
  grows: boolean;
}

const mean = (values: readonly number[]) => values.reduce((sum, value) => sum + value, 0) / Math.max(1, values.length);

/** Least-squares slope of `values` against `minutes`. */
export function slope(minutes: readonly number[], values: readonly number[]): number {
  const mx = mean(minutes);
  const my = mean(values);
  let numerator = 0;
  let denominator = 0;
  for (let i = 0; i < minutes.length; i++) {
    numerator += (minutes[i]! - mx) * (values[i]! - my);
    denominator += (minutes[i]! - mx) ** 2;
  }
  return denominator === 0 ? 0 : numerator / denominator;
}

export function judgeTrend(minutes: readonly number[], values: readonly number[], limit: TrendLimit): TrendVerdict {
  const n = values.length;
  const half = Math.floor(n / 2);
  const quarter = (k: number) => values.slice(Math.floor((k * n) / 4), Math.floor(((k + 1) * n) / 4));
  const slopePerMinute = slope(minutes.slice(half), values.slice(half));
  const quarterRise = mean(quarter(3)) - mean(quarter(1));
  return { slopePerMinute, quarterRise, grows: slopePerMinute > limit.maxSlopePerMinute && quarterRise > limit.maxQuarterRise };
}
