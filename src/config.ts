// Server configuration: one type, its defaults, and the command line that fills it.
import { Command, InvalidArgumentError } from 'commander';
import { availableParallelism } from 'node:os';

export interface ServerConfig {
  host: string;
  port: number;
  workers: number;
  historySize: number;
  historyOnJoin: number;
  maxLineBytes: number;
  maxRoomsPerClient: number;
  /** Bytes a client may have waiting to be written before it is dropped as a slow consumer. */
  maxOutputBytes: number;
  statsIntervalMs: number;
}

export const defaultConfig: ServerConfig = {
  host: '127.0.0.1',
  port: 9999,
  workers: availableParallelism(),
  historySize: 100,
  historyOnJoin: 10,
  maxLineBytes: 4096,
  maxRoomsPerClient: 20,
  maxOutputBytes: 1024 * 1024,
  statsIntervalMs: 0,
};

function integer(min: number, max: number) {
  return (value: string): number => {
    const parsed = Number(value);
    if (!/^\d+$/.test(value) || parsed < min || parsed > max) {
      throw new InvalidArgumentError(`expected a whole number from ${min} to ${max}`);
    }
    return parsed;
  };
}

/** Parses `npm start -- ...` arguments; prints usage and exits non-zero on a bad flag. */
export function parseServerArgs(argv: readonly string[]): ServerConfig {
  const d = defaultConfig;
  const program = new Command('roomcast')
    .description('Multi-user broadcast chat server (line protocol over TCP).')
    .option('--host <address>', 'address to listen on', d.host)
    .option('--port <number>', 'TCP port (0 picks a free one)', integer(0, 65535), d.port)
    .option('--workers <number>', 'connection worker threads', integer(1, 64), d.workers)
    .option('--history-size <lines>', 'lines of history kept per room', integer(0, 100_000), d.historySize)
    .option('--history-on-join <lines>', 'history lines sent to a client that joins', integer(0, 100_000), d.historyOnJoin)
    .option('--max-line-bytes <bytes>', 'longest input line accepted', integer(64, 1024 * 1024), d.maxLineBytes)
    .option('--max-rooms-per-client <rooms>', 'rooms one client may be in', integer(1, 10_000), d.maxRoomsPerClient)
    .option('--max-output-bytes <bytes>', 'unsent output per client before it is dropped as a slow consumer', integer(1024, 1024 ** 3), d.maxOutputBytes)
    .option('--stats-interval-ms <ms>', 'print a stats line this often (0: never)', integer(0, 86_400_000), d.statsIntervalMs)
    .showHelpAfterError()
    .allowExcessArguments(false)
    .parse(argv, { from: 'user' });
  const options = program.opts<ServerConfig>();
  return { ...d, ...options, historyOnJoin: Math.min(options.historyOnJoin, options.historySize) };
}
