// What a connection worker tells the operator about its connections: connects, disconnects with their
// reasons, and the drops an operator must know about (slow consumers, write stalls, floods). Under load
// these come by the thousand, so each kind is sampled: the first few per second are logged whole and the
// rest counted in one record (LogSampler). Nothing here runs per message.
import { type Logger, LogSampler } from '../../src/log.ts';

const samplingIntervalMs = 1000;
const connectionEventsPerInterval = 20;
const dropsPerInterval = 10;

export interface LoggedConnection {
  connectionId: number;
  address: string;
}

export class ConnectionEventLog {
  readonly #log: Logger;
  readonly #connects = new LogSampler(connectionEventsPerInterval, samplingIntervalMs);
  readonly #disconnects = new LogSampler(connectionEventsPerInterval, samplingIntervalMs);
  readonly #drops = new LogSampler(dropsPerInterval, samplingIntervalMs);

  constructor(log: Logger) {
    this.#log = log;
  }

  connected(connection: LoggedConnection): void {
    if (this.#take(this.#connects, 'connects')) this.#log.info(fields(connection), 'connected');
  }

  disconnected(connection: LoggedConnection, nick: string | undefined, reason: string): void {
    if (this.#take(this.#disconnects, 'disconnects')) this.#log.info({ ...fields(connection), nick, reason }, 'disconnected');
  }

  /** A client the server cut off for what it did (or failed to do): warn, with the reason. */
  dropped(connection: LoggedConnection, nick: string | undefined, reason: 'slow consumer' | 'write stall' | 'flooding'): void {
    if (this.#take(this.#drops, 'drops')) this.#log.warn({ ...fields(connection), nick, reason }, `dropped: ${reason}`);
  }

  #take(sampler: LogSampler, what: string): boolean {
    return sampler.take(performance.now(), (count) =>
      this.#log.info({ count }, `${count} more ${what} in the last second (not logged one by one)`),
    );
  }
}

const fields = ({ connectionId, address }: LoggedConnection) => ({ connectionId, address });
