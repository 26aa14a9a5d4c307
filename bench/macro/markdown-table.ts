/** Markdown pieces the benchmark reports share: a table, and a median with its range over runs. */
import type { Spread } from './spread.ts';

export function table(header: string[], rows: string[][]): string {
  const line = (cells: string[]): string => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

/** A median with the range over runs beside it (just the value for one run). */
export function spreadCell(v: Spread, runs: number, format: (x: number) => string): string {
  return runs > 1 ? `${format(v.median)} (${format(v.min)}–${format(v.max)})` : format(v.median);
}
