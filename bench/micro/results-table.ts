// The two outputs of `npm run bench`: a table for people and JSON lines for tools. Both carry the same
// figures; the environment line says what they were measured on.
export interface Environment {
  date: string;
  node: string;
  cpuModel: string;
  cores: number;
  platform: string;
  /** Other work on the machine skews every figure; this says how busy it was when the run started. */
  loadAverage1m: number;
}

export interface TaskResult {
  concern: string;
  task: string;
  unit: string;
  unitsPerOp: number;
  opsPerSecond: number;
  unitsPerSecond: number;
  meanNs: number;
  p99Ns: number;
  /** CPU time of the whole process (every thread) per unit, over the task's run including warm-up. */
  cpuNsPerUnit: number;
  samples: number;
  rmePercent: number;
  baseline: string | null;
  /** unitsPerSecond divided by the baseline task's. */
  ratio: number | null;
}

const rate = (perSecond: number, unit: string): string => {
  if (perSecond >= 1e9) return `${(perSecond / 1e9).toFixed(2)} G ${unit}/s`;
  if (perSecond >= 1e6) return `${(perSecond / 1e6).toFixed(2)} M ${unit}/s`;
  if (perSecond >= 1e3) return `${(perSecond / 1e3).toFixed(1)} k ${unit}/s`;
  return `${perSecond.toFixed(1)} ${unit}/s`;
};

const duration = (ns: number): string => {
  if (ns >= 1e6) return `${(ns / 1e6).toFixed(2)} ms`;
  if (ns >= 1e3) return `${(ns / 1e3).toFixed(2)} µs`;
  return `${ns.toFixed(0)} ns`;
};

export function environmentLine(env: Environment): string {
  return `${env.date}  Node ${env.node}  ${env.cores} × ${env.cpuModel}  ${env.platform}  load ${env.loadAverage1m.toFixed(2)}`;
}

export function resultsTable(results: readonly TaskResult[]): string {
  const header = ['concern', 'task', 'rate', 'mean/op', 'p99/op', 'cpu/unit', 'samples', '±', 'vs baseline'];
  const rows = results.map((r) => [
    r.concern,
    r.task,
    rate(r.unitsPerSecond, r.unit),
    duration(r.meanNs),
    duration(r.p99Ns),
    duration(r.cpuNsPerUnit),
    String(r.samples),
    `${r.rmePercent.toFixed(1)}%`,
    r.ratio === null ? '' : `${r.ratio.toFixed(2)}× ${r.baseline}`,
  ]);
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  const numeric = new Set([2, 3, 4, 5, 6, 7]);
  const format = (row: readonly string[]) =>
    row
      .map((cell, column) => (numeric.has(column) ? cell.padStart(widths[column]!) : cell.padEnd(widths[column]!)))
      .join('  ')
      .trimEnd();
  return [format(header), widths.map((width) => '-'.repeat(width)).join('  '), ...rows.map(format)].join('\n');
}

export function jsonLines(env: Environment, results: readonly TaskResult[]): string {
  const lines = [{ kind: 'environment', ...env }, ...results.map((r) => ({ kind: 'task', ...r }))];
  return `${lines.map((line) => JSON.stringify(line)).join('\n')}\n`;
}
