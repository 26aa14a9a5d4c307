// Server configuration: one type, its defaults, and the command line that fills it.
import { Command, InvalidArgumentError, Option } from 'commander';
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { type LogFormat, type LogLevel, logLevels } from './log.ts';

export interface ServerConfig {
  host: string;
  /** The line protocol's port (docs/protocol.md). */
  port: number;
  /** The IRC door's port, on the same host; undefined (--no-irc) turns the door off. */
  ircPort: number | undefined;
  /** The browser door's port (HTTP and WebSocket), on the same host; undefined (--no-http) turns it off. */
  httpPort: number | undefined;
  /** Origins besides the page's own whose pages may open the WebSocket (e.g. the https:// one of a TLS proxy). */
  httpOrigins: readonly string[];
  workers: number;
  historySize: number;
  /** A room's history also stays under this many bytes (UTF-8), so long lines cannot inflate it. */
  historyMaxBytes: number;
  historyOnJoin: number;
  /** Rooms that may exist at once (the default room always can): bounds history memory server-wide. */
  maxRooms: number;
  maxLineBytes: number;
  maxRoomsPerClient: number;
  /** New rooms one client may create per minute (joining rooms that exist is not limited). */
  roomCreationsPerMinute: number;
  /**
   * Bytes a client may leave unsent (after the kernel took what it would) before it is dropped as a slow
   * consumer. Judged after each write, so one turn's burst to a client that reads is not held against it.
   */
  maxOutputBytes: number;
  /** A client with unsent output that takes none of it for this long is dropped (a stalled reader). */
  writeStallMs: number;
  /**
   * How long a worker holds clients' output before writing it (0: at the end of every event-loop turn).
   * In a busy room every line is otherwise its own write at moderate rates; holding trades this much
   * latency for fewer, fuller writes (docs/scaling.md).
   */
  writeDelayMs: number;
  /** Per-connection flood limits; 0 turns a limit off. */
  floodMessagesPerSecond: number;
  floodBytesPerSecond: number;
  /**
   * Concurrent connections for the whole server and from one address; 0 means no limit. Per-address
   * limits count an IPv6 /64 as one address (src/acceptor/address-key.ts).
   */
  maxConnections: number;
  maxConnectionsPerIp: number;
  /** New connections one address may open per second, and at once; 0 per second means no limit. */
  maxConnectsPerIpPerSecond: number;
  connectBurstPerIp: number;
  handshakeTimeoutMs: number;
  /** Close connections silent for this long; 0 never does (TCP keepalive still finds dead peers). */
  idleTimeoutMs: number;
  keepAliveMs: number;
  shutdownTimeoutMs: number;
  tlsPort: number;
  tlsCertFile: string | undefined;
  tlsKeyFile: string | undefined;
  /**
   * Enables /oper; there is deliberately no default. Read from ROOMCAST_OPERATOR_PASSWORD or from
   * --operator-password-file, never from argv, where `ps` would show it to every user of the machine.
   */
  operatorPassword: string | undefined;
  statsIntervalMs: number;
  /** redis://… or nats://…: share rooms, nicks and history with the other nodes on that engine (src/bus/). */
  busUrl: string | undefined;
  /** Namespaces this service's keys, channels and streams on the bus. */
  busPrefix: string;
  /** How often a node renews its liveness and nicks on the bus, and how long they last without renewal. */
  busHeartbeatMs: number;
  busNickTtlMs: number;
  /** Tests only (a hidden flag): drop every Nth live bus event, so gap fills are exercised with real brokers. */
  busTestDropLive: number;
  /** Prometheus metrics over HTTP on this port; undefined (the default) serves none. */
  metricsPort: number | undefined;
  /** Loopback by default: the metrics describe the server's load and are for its operator. */
  metricsHost: string;
  logLevel: LogLevel;
  /** JSON records for log collectors, or readable lines; the default follows whether stdout is a terminal. */
  logFormat: LogFormat;
  /** Lets tests crash a worker through the in-process control plane; never settable from the CLI. */
  testHooks: boolean;
  /** Faults a test injects into connection workers; honoured only with testHooks, never from the CLI. */
  workerFaultsForTest: WorkerFaultsForTest | undefined;
}

/** Makes the workers of one slot misbehave, to test how the supervisor copes. */
export interface WorkerFaultsForTest {
  /** The worker slot (0 to workers - 1) that misbehaves. */
  slot: number;
  /** Which of the slot's workers (1 is its first, 2 the first replacement...) throw while starting. */
  failToStart: number[];
  /** Which of the slot's workers throw on the first socket they are handed, before adopting it. */
  dieOnFirstSocket: number[];
}

/** Room for the process's own descriptors (listeners, thread plumbing, files) under the fd limit. */
const reservedDescriptors = 200;

/** The soft limit on open files, from /proc (Linux); connections beyond it could not be accepted. */
function openFileLimit(): number | undefined {
  try {
    const match = /^Max open files\s+(\d+)/m.exec(readFileSync('/proc/self/limits', 'utf8'));
    return match === null ? undefined : Number(match[1]);
  } catch {
    return undefined;
  }
}

export const defaultConfig: ServerConfig = {
  host: '127.0.0.1',
  port: 9999,
  ircPort: 6667,
  httpPort: 8080,
  httpOrigins: [],
  workers: availableParallelism(),
  historySize: 100,
  historyMaxBytes: 32 * 1024,
  historyOnJoin: 10,
  maxRooms: 10_000,
  maxLineBytes: 4096,
  maxRoomsPerClient: 20,
  roomCreationsPerMinute: 10,
  maxOutputBytes: 1024 * 1024,
  writeStallMs: 20_000,
  writeDelayMs: 0,
  floodMessagesPerSecond: 50,
  floodBytesPerSecond: 64 * 1024,
  maxConnections: Math.max(100, (openFileLimit() ?? 10_000) - reservedDescriptors),
  maxConnectionsPerIp: 1000,
  maxConnectsPerIpPerSecond: 10,
  connectBurstPerIp: 30,
  handshakeTimeoutMs: 30_000,
  idleTimeoutMs: 0,
  keepAliveMs: 60_000,
  shutdownTimeoutMs: 5000,
  tlsPort: 9998,
  tlsCertFile: undefined,
  tlsKeyFile: undefined,
  operatorPassword: undefined,
  statsIntervalMs: 0,
  busUrl: undefined,
  busPrefix: 'roomcast',
  busHeartbeatMs: 5_000,
  busNickTtlMs: 15_000,
  busTestDropLive: 0,
  metricsPort: undefined,
  metricsHost: '127.0.0.1',
  logLevel: 'info',
  logFormat: process.stdout.isTTY ? 'pretty' : 'json',
  testHooks: false,
  workerFaultsForTest: undefined,
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

const day = 86_400_000;

/** A comma-separated list of origins as a browser sends them: scheme and host (and port), no path. */
function origins(value: string): string[] {
  const listed = value
    .split(',')
    .map((origin) => origin.trim())
    .filter((origin) => origin !== '');
  const bad = listed.find((origin) => !/^https?:\/\/[^/\s]+$/i.test(origin));
  if (bad !== undefined) throw new InvalidArgumentError(`"${bad}" is not an origin like https://chat.example.org`);
  return listed;
}

/** A bus URL: redis://, rediss:// or nats://, with a host. */
function busUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InvalidArgumentError(`"${value}" is not a URL like redis://127.0.0.1:6379 or nats://127.0.0.1:4222`);
  }
  if (!['redis:', 'rediss:', 'nats:'].includes(url.protocol) || url.hostname === '') {
    throw new InvalidArgumentError(`"${value}" is not a redis://, rediss:// or nats:// URL with a host`);
  }
  return value;
}

function busPrefix(value: string): string {
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(value)) throw new InvalidArgumentError('use 1-64 letters, digits, _ or -');
  return value;
}

/** Parses `npm start -- ...` arguments; on a bad flag prints one error line and a pointer to --help, and exits non-zero. */
export function parseServerArgs(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): ServerConfig {
  const d = defaultConfig;
  const program = new Command('roomcast')
    .description('Multi-user broadcast chat server (line protocol over TCP, optionally TLS).')
    .option('--host <address>', 'address to listen on', d.host)
    .option('--port <number>', 'TCP port (0 picks a free one)', integer(0, 65535), d.port)
    .option('--irc-port <number>', 'IRC port, on the same host (0 picks a free one)', integer(0, 65535), d.ircPort)
    .option('--no-irc', 'turn the IRC door off')
    .option(
      '--http-port <number>',
      'browser port (HTTP and WebSocket), on the same host (0 picks a free one)',
      integer(0, 65535),
      d.httpPort,
    )
    .option('--no-http', 'turn the browser door off')
    .option(
      '--http-origin <origins>',
      "other origins whose pages may open the WebSocket, comma-separated (the page's own always may)",
      origins,
      [...d.httpOrigins],
    )
    .option('--workers <number>', 'connection worker threads', integer(1, 64), d.workers)
    .option('--history-size <lines>', 'lines of history kept per room', integer(0, 100_000), d.historySize)
    .option('--history-max-bytes <n>', 'bytes of history kept per room', integer(0, 1024 ** 3), d.historyMaxBytes)
    .option('--max-rooms <n>', 'rooms that may exist at once', integer(1, 10_000_000), d.maxRooms)
    .option('--history-on-join <lines>', 'history lines sent to a client that joins', integer(0, 100_000), d.historyOnJoin)
    .option('--max-line-bytes <bytes>', 'longest input line accepted', integer(64, 1024 * 1024), d.maxLineBytes)
    .option('--max-rooms-per-client <rooms>', 'rooms one client may be in', integer(1, 10_000), d.maxRoomsPerClient)
    .option(
      '--room-creations-per-minute <n>',
      'new rooms one client may create per minute',
      integer(1, 1_000_000),
      d.roomCreationsPerMinute,
    )
    .option(
      '--max-output-bytes <bytes>',
      'unsent output per client before it is dropped as a slow consumer',
      integer(1024, 1024 ** 3),
      d.maxOutputBytes,
    )
    .option('--write-stall-ms <ms>', 'drop a client whose unsent output has not moved for this long', integer(100, day), d.writeStallMs)
    .option(
      '--write-delay-ms <ms>',
      "hold clients' output this long to write more lines at once: fewer writes, that much more latency (0: write every turn)",
      integer(0, 1000),
      d.writeDelayMs,
    )
    .option(
      '--flood-messages-per-second <n>',
      'lines per second one client may send (0: no limit)',
      integer(0, 10_000_000),
      d.floodMessagesPerSecond,
    )
    .option(
      '--flood-bytes-per-second <n>',
      'bytes per second one client may send (0: no limit)',
      integer(0, 1024 ** 3),
      d.floodBytesPerSecond,
    )
    .option(
      '--max-connections <n>',
      'concurrent connections; the default is the open-file limit less a reserve',
      integer(1, 10_000_000),
      d.maxConnections,
    )
    .option(
      '--max-connections-per-ip <n>',
      'concurrent connections from one address, an IPv6 /64 counting as one (0: no limit)',
      integer(0, 10_000_000),
      d.maxConnectionsPerIp,
    )
    .option(
      '--max-connects-per-ip-per-second <n>',
      'new connections one address may open per second (0: no limit)',
      integer(0, 1_000_000),
      d.maxConnectsPerIpPerSecond,
    )
    .option('--connect-burst-per-ip <n>', 'new connections one address may open at once', integer(1, 1_000_000), d.connectBurstPerIp)
    .option(
      '--handshake-timeout-ms <ms>',
      'close connections that choose no nickname in this time',
      integer(100, day),
      d.handshakeTimeoutMs,
    )
    .option('--idle-timeout-ms <ms>', 'close connections silent this long (0: never)', integer(0, day), d.idleTimeoutMs)
    .option('--keep-alive-ms <ms>', 'TCP keepalive delay, to find peers that vanished (0: off)', integer(0, day), d.keepAliveMs)
    .option('--shutdown-timeout-ms <ms>', 'longest a graceful shutdown may take', integer(100, 600_000), d.shutdownTimeoutMs)
    .option('--tls-cert <file>', 'PEM certificate: also listen for TLS on --tls-port')
    .option('--tls-key <file>', 'PEM private key for --tls-cert')
    .option('--tls-port <number>', 'TLS port, used with --tls-cert and --tls-key', integer(0, 65535), d.tlsPort)
    .option('--operator-password-file <file>', 'enables /oper with the password in this file (or set ROOMCAST_OPERATOR_PASSWORD)')
    .option('--stats-interval-ms <ms>', 'log a stats record this often (0: never)', integer(0, day), d.statsIntervalMs)
    .option('--bus <url>', 'share rooms with other nodes over redis://host:port or nats://host:port (default: one node, no bus)', busUrl)
    .option('--bus-prefix <name>', 'names this service on the bus (letters, digits, _ and -)', busPrefix, d.busPrefix)
    .option(
      '--bus-heartbeat-ms <ms>',
      'how often this node renews its liveness and nicks on the bus',
      integer(100, 60_000),
      d.busHeartbeatMs,
    )
    .option(
      '--bus-nick-ttl-ms <ms>',
      "how long a node's nicks and presence outlive its last heartbeat (a dead node's users quit after it)",
      integer(300, 600_000),
      d.busNickTtlMs,
    )
    .addOption(new Option('--bus-test-drop-live <n>').argParser(integer(0, 1_000_000)).default(d.busTestDropLive).hideHelp())
    .option('--metrics-port <number>', 'serve Prometheus metrics at http://<metrics-host>:<port>/metrics (default: off)', integer(0, 65535))
    .option('--metrics-host <address>', 'address the metrics endpoint listens on', d.metricsHost)
    .addOption(new Option('--log-level <level>', 'least severe log records written').choices(logLevels).default(d.logLevel))
    .addOption(
      new Option('--log-format <format>', 'json, or pretty for people (default: pretty on a terminal)')
        .choices(['json', 'pretty'])
        .default(d.logFormat),
    )
    // One line says what is wrong; the usage is a flag away rather than a screenful under the error.
    .showHelpAfterError('Run with --help for the list of flags (npm start -- --help).')
    .allowExcessArguments(false)
    .parse(argv, { from: 'user' });
  const { tlsCert, tlsKey, operatorPasswordFile, irc, http, httpOrigin, bus, ...options } = program.opts<
    Omit<ServerConfig, 'tlsCertFile' | 'tlsKeyFile' | 'operatorPassword' | 'httpOrigins' | 'busUrl'> & {
      bus?: string;
      tlsCert?: string;
      tlsKey?: string;
      operatorPasswordFile?: string;
      irc: boolean;
      http: boolean;
      httpOrigin: string[];
    }
  >();
  if ((tlsCert === undefined) !== (tlsKey === undefined)) program.error('error: --tls-cert and --tls-key go together');
  if (options.busNickTtlMs < 2 * options.busHeartbeatMs) {
    program.error('error: --bus-nick-ttl-ms must be at least twice --bus-heartbeat-ms, or one late heartbeat would free every nick');
  }
  let operatorPassword = env.ROOMCAST_OPERATOR_PASSWORD;
  if (operatorPasswordFile !== undefined) {
    try {
      // One trailing newline is what an editor or `echo` adds; it is not part of the password.
      operatorPassword = readFileSync(operatorPasswordFile, 'utf8').replace(/\r?\n$/, '');
    } catch (error) {
      program.error(`error: cannot read --operator-password-file: ${(error as Error).message}`);
    }
  }
  return {
    ...d,
    ...options,
    historyOnJoin: Math.min(options.historyOnJoin, options.historySize),
    ircPort: irc ? options.ircPort : undefined,
    httpPort: http ? options.httpPort : undefined,
    httpOrigins: httpOrigin,
    busUrl: bus,
    tlsCertFile: tlsCert,
    tlsKeyFile: tlsKey,
    // An empty password would let anyone in: treat it as none.
    operatorPassword: operatorPassword || undefined,
  };
}
