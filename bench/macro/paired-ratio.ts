/**
 * roomcast against a peer, round by round: every round runs each server once (interleaved), so a ratio
 * taken within a round compares runs that met the same state of the shared box. The median of those
 * ratios is the figure; the per-round values show whether it is steady.
 */
import type { RunFigures } from './run-summary.ts';
import { median } from './spread.ts';

export interface PairedRatio {
  median: number;
  /** The rounds where both ran with a measurable figure, in round order. */
  rounds: { round: number; ratio: number }[];
}

/** `pick(mine) / pick(theirs)` per round; null when no round has both figures above zero. */
export function pairedRatio(mine: RunFigures[], theirs: RunFigures[], pick: (r: RunFigures) => number): PairedRatio | null {
  const rounds = mine
    .map((m) => {
      const t = theirs.find((r) => r.round === m.round);
      return t === undefined || pick(m) <= 0 || pick(t) <= 0 ? null : { round: m.round, ratio: pick(m) / pick(t) };
    })
    .filter((r): r is { round: number; ratio: number } => r !== null)
    .sort((a, b) => a.round - b.round);
  return rounds.length === 0 ? null : { median: median(rounds.map((r) => r.ratio)), rounds };
}

/** "1.23× (1.20, 1.31, 1.19)": the median, then each round's ratio when there is more than one. */
export function formatPaired(p: PairedRatio | null): string {
  if (p === null) return '–';
  const x = (r: number): string => `${r.toFixed(2)}×`;
  return p.rounds.length === 1 ? x(p.median) : `${x(p.median)} (${p.rounds.map((r) => r.ratio.toFixed(2)).join(', ')})`;
}
