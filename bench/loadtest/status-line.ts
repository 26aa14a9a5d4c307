import cliProgress from 'cli-progress';

/**
 * Progress on stderr, one phase at a time. On a terminal: a live bar, left on the phase's true final
 * figures when the phase ends. Elsewhere (logs, CI, pipes): one line per phase as it ends. Quiet: nothing.
 */
export interface StatusLine {
  phase(name: string, total: number): void;
  update(value: number, detail: string): void;
  /** The phase is over: its final value and what it came to. */
  finish(value: number, detail: string): void;
  /** Ends the bar where it stands (a run that ends itself, as the soak does). */
  stop(): void;
}

const silent: StatusLine = { phase: () => {}, update: () => {}, finish: () => {}, stop: () => {} };

export function makeStatusLine(enabled: boolean, out: NodeJS.WriteStream = process.stderr): StatusLine {
  if (!enabled) return silent;
  let name = '';
  let total = 0;
  if (!out.isTTY) {
    return {
      phase(n, t) {
        name = n;
        total = t;
      },
      update: () => {},
      finish: (value, detail) => out.write(`${name.padEnd(8)} ${value}/${total} ${detail}\n`),
      stop: () => {},
    };
  }
  const bar = new cliProgress.SingleBar(
    { stream: out, format: '{phase} |{bar}| {value}/{total} {detail}', hideCursor: true, clearOnComplete: false },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    phase(n, t) {
      if (started) bar.stop();
      name = n;
      total = t;
      bar.start(t, 0, { phase: n.padEnd(8), detail: '' });
      started = true;
    },
    update(value, detail) {
      if (started) bar.update(Math.min(value, total), { detail });
    },
    finish(value, detail) {
      if (!started) return;
      bar.setTotal(Math.max(total, value));
      bar.update(value, { detail });
      bar.stop();
      started = false;
    },
    stop() {
      if (started) bar.stop();
      started = false;
    },
  };
}
