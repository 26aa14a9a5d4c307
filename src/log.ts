// Structured logs for operators, one pino logger per thread. Every thread writes its own records to
// stdout (fd 1) through an asynchronous sonic-boom buffer, so a log call costs a JSON serialisation and a
// memcpy on the calling thread, never a blocking write: the write itself happens off the event loop.
// On a terminal the records are printed readably instead (pino-pretty, in the same thread).
//
// Under load, per-connection events (connects, disconnects) are sampled by a LogSampler: the first few in
// each interval are logged whole, the rest only counted, and the count is logged once the interval ends.
import { pino, type DestinationStream, type Logger } from 'pino';
import pretty from 'pino-pretty';

export type { Logger };

export type LogFormat = 'json' | 'pretty';
export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal' | 'silent';
export const logLevels: readonly LogLevel[] = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'];

export interface LogSettings {
  logLevel: LogLevel;
  logFormat: LogFormat;
}

/** A logger for one thread; `thread` names it in every record (`acceptor`, `coordinator`, `worker-2`). */
export function createLogger(settings: LogSettings, thread: string): Logger {
  const destination: DestinationStream =
    settings.logFormat === 'pretty'
      ? pretty({ sync: true, colorize: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname', singleLine: true })
      : pino.destination({ dest: 1, sync: false });
  return pino({ level: settings.logLevel, base: { pid: process.pid, thread }, timestamp: pino.stdTimeFunctions.isoTime }, destination);
}

/** Writes out whatever a logger still buffers; call before the thread or process ends. */
export function flushLogger(logger: Logger): void {
  logger.flush();
}

/**
 * Logs at most `perInterval` events of one kind per `intervalMs`; the rest are counted and reported in one
 * record when the next event arrives after the interval (or on `flush()`). Time is passed in so the logic
 * is testable without waiting.
 */
export class LogSampler {
  readonly #perInterval: number;
  readonly #intervalMs: number;
  #windowStartMs = Number.NEGATIVE_INFINITY;
  #loggedInWindow = 0;
  #suppressed = 0;

  constructor(perInterval: number, intervalMs: number) {
    this.#perInterval = perInterval;
    this.#intervalMs = intervalMs;
  }

  /**
   * Whether this event should be logged whole. When a window closes with suppressed events,
   * `onSuppressed(count)` is called first so the caller can log the summary.
   */
  take(nowMs: number, onSuppressed: (count: number) => void): boolean {
    if (nowMs - this.#windowStartMs >= this.#intervalMs) {
      this.flush(onSuppressed);
      this.#windowStartMs = nowMs;
      this.#loggedInWindow = 0;
    }
    if (this.#loggedInWindow < this.#perInterval) {
      this.#loggedInWindow++;
      return true;
    }
    this.#suppressed++;
    return false;
  }

  flush(onSuppressed: (count: number) => void): void {
    if (this.#suppressed === 0) return;
    onSuppressed(this.#suppressed);
    this.#suppressed = 0;
  }
}
