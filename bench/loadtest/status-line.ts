import cliProgress from 'cli-progress';

/** Live progress on stderr; a no-op when quiet or when stderr is not a terminal (logs, CI, pipes). */
export interface StatusLine {
  phase(name: string, total: number): void;
  update(value: number, detail: string): void;
  stop(): void;
}

export function makeStatusLine(enabled: boolean): StatusLine {
  if (!enabled || !process.stderr.isTTY) return { phase: () => {}, update: () => {}, stop: () => {} };
  const bar = new cliProgress.SingleBar(
    { stream: process.stderr, format: '{phase} |{bar}| {value}/{total} {detail}', hideCursor: true, clearOnComplete: false },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    phase(name, total) {
      if (started) bar.stop();
      bar.start(total, 0, { phase: name.padEnd(8), detail: '' });
      started = true;
    },
    update(value, detail) {
      if (started) bar.update(value, { detail });
    },
    stop() {
      if (started) bar.stop();
      started = false;
    },
  };
}
