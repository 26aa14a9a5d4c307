/**
 * Reads `perf script -F comm,tid,ip,sym` output: one block per sample, a header line (thread name and
 * id) and its call stack, leaf first, one frame per line ("<address> <symbol>"). JIT-compiled JavaScript
 * shows as `JS:*'name file:line` when the server ran with --perf-basic-prof.
 */
export interface PerfSample {
  /** The thread's name: node-MainThread, WorkerThread, node-V8Worker (V8's GC and compiler helpers)… */
  comm: string;
  tid: number;
  /** Symbols, leaf first. */
  frames: string[];
}

export function parsePerfScript(text: string): PerfSample[] {
  const samples: PerfSample[] = [];
  for (const block of text.split(/\n\s*\n/)) {
    const lines = block.split('\n').filter((line) => line.trim() !== '');
    const header = /^\s*(.+?)\s+(\d+)\s*$/.exec(lines[0] ?? '');
    if (header === null) continue;
    const frames = lines.slice(1).map((line) => line.trim().replace(/^[0-9a-f]+\s+/, ''));
    samples.push({ comm: header[1]!, tid: Number(header[2]), frames });
  }
  return samples;
}
