/**
 * A figure measured over several runs: the median the tables print and the range (min–max over runs)
 * beside it, so one lucky or unlucky run can neither hide nor pass as the typical one.
 */
export interface Spread {
  median: number;
  min: number;
  max: number;
}

export function median(xs: number[]): number {
  if (xs.length === 0) return 0;
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

export function spread(xs: number[]): Spread {
  if (xs.length === 0) return { median: 0, min: 0, max: 0 };
  return { median: median(xs), min: Math.min(...xs), max: Math.max(...xs) };
}
