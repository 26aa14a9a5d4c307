/**
 * The load tool's command line: every option, its parsing, and every check that needs no socket. A bad
 * value or combination is a UsageError (one line, exit code 2), never a stack trace.
 */
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import os from 'node:os';
import { maxPublisherId, payloadHeaderBytes } from '../loadgen/payload-codec.ts';
import type { ArrivalKind, ProtocolName, Target } from '../loadgen/types.ts';
import { parseMaxLoss, type MaxLoss } from './thresholds.ts';

export class UsageError extends Error {}

/** Every process here may hold at most 20,000 files; keep room for the runtime's own. */
const maxSockets = 19_500;
/** What --protocol may name: the protocols of plain host:port targets (irc and ws come with their URLs). */
const protocols: ProtocolName[] = ['roomcast', 'seed', 'nats', 'redis'];
const defaultTarget = '127.0.0.1:9999';
const roomPattern = /^[a-z0-9_-]{1,32}$/;

function int(min: number) {
  return (v: string): number => {
    const x = Number(v);
    if (v.trim() === '' || !Number.isInteger(x) || x < min) throw new InvalidArgumentError(`expected an integer ≥ ${min}`);
    return x;
  };
}

function seconds(v: string): number {
  const x = Number(v);
  if (v.trim() === '' || !Number.isFinite(x) || x < 0) throw new InvalidArgumentError('expected seconds ≥ 0');
  return x;
}

function positive(v: string): number {
  const x = Number(v);
  if (v.trim() === '' || !Number.isFinite(x) || x <= 0) throw new InvalidArgumentError('expected a number > 0');
  return x;
}

function rateList(v: string): number[] {
  const rates = v.split(',').map((r) => Number(r.trim()));
  if (rates.length === 0 || rates.some((r) => !Number.isInteger(r) || r < 1)) {
    throw new InvalidArgumentError('expected msgs/s ≥ 1, comma-separated (e.g. 1000,2000,4000)');
  }
  return rates;
}

function maxLoss(v: string): MaxLoss {
  const loss = parseMaxLoss(v);
  if (loss === null) throw new InvalidArgumentError('expected a count (50), a ratio (0.001) or a percentage (0.1%)');
  return loss;
}

/** host:port (the --protocol), irc://host:port (the IRC door), ws://host:port/path (the browser door's WebSocket). */
const targetPattern = /^(?:(irc):\/\/([^:/]+):(\d+)\/?|(ws):\/\/([^:/]+):(\d+)(\/[^\s]*)?|([^:/]+):(\d+))$/;
const defaultTargets = [defaultTarget];

function target(v: string, previous: string[]): string[] {
  const m = targetPattern.exec(v);
  if (m === null) throw new InvalidArgumentError('expected host:port, irc://host:port or ws://host:port/path');
  const port = Number(m[3] ?? m[6] ?? m[9]);
  if (port < 1 || port > 65535) throw new InvalidArgumentError(`port ${port} is not between 1 and 65535`);
  return previous === defaultTargets ? [v] : [...previous, v];
}

function pidList(v: string, previous: number[]): number[] {
  const pid = int(1)(v);
  if (previous.includes(pid)) throw new InvalidArgumentError(`pid ${pid} is named twice (its CPU would count twice)`);
  return [...previous, pid];
}

function parseTargets(specs: string[], protocol: ProtocolName): Target[] {
  return specs.map((s) => {
    const m = targetPattern.exec(s) as RegExpExecArray;
    if (m[1] !== undefined) return { host: m[2], port: Number(m[3]), protocol: 'irc' };
    if (m[4] !== undefined) return { host: m[5], port: Number(m[6]), protocol: 'ws', path: m[7] ?? '/' };
    return { host: m[8], port: Number(m[9]), protocol };
  });
}

export interface RunConfig {
  targetSpecs: string[];
  targets: Target[];
  protocol: ProtocolName;
  clients: number;
  rooms: number;
  /** --room: the one room's name (undefined: named for the run). */
  room?: string;
  publishers: number;
  /** One offered rate per stage (msgs/s over all publishers); [0] = window mode. */
  rates: number[];
  arrivals: ArrivalKind;
  window: number;
  size: number;
  duration: number;
  warmup: number;
  ramp: number;
  drain: number;
  threads: number;
  /** --server-pid, repeatable: the processes whose CPU and memory are summed as "the server" (nodes, broker). */
  serverPids: number[];
  /** A file, '-' for stdout, or undefined for a file in the temp directory. */
  json?: string;
  hgrm?: string;
  chart?: string;
  quiet: boolean;
  maxLoss: MaxLoss;
  maxP99Ms?: number;
  minDeliveriesPerSecond?: number;
}

function makeProgram(): Command {
  return new Command('loadtest')
    .description(
      'Load-test a broadcast chat server: N clients, R rooms, P publishers; reports throughput, latency, loss and order, and exits non-zero when a check fails.',
    )
    .option(
      '--target <address>',
      'host:port (speaking --protocol), irc://host:port or ws://host:port/path; repeat to spread clients round-robin over several listeners, doors or nodes (all must share rooms)',
      target,
      defaultTargets,
    )
    .option('--protocol <name>', `wire protocol: ${protocols.join(' | ')}`, 'roomcast')
    .option('--clients <n>', 'simulated clients (each one receive connection; Redis publishers open a second)', int(1), 200)
    .option('--rooms <n>', 'rooms (NATS subjects / Redis channels), at most --clients; client i joins room i mod rooms', int(1), 1)
    .option('--room <name>', 'with --rooms 1: the room to use (default lt-<pid36>, a room of its own; --room lobby shares the lobby)')
    .option('--publishers <n>', 'clients 0..n-1 publish to their room (every client also receives); 0 = receive only (sink)', int(0), 4)
    .option('--rate <msgs/s>', 'total publish rate over all publishers (open loop); 0 = as fast as the window allows', int(0), 0)
    .option(
      '--rates <list>',
      'a sweep: one stage per total rate (e.g. 1000,2000,4000,8000), each with its own --warmup and --duration on the same clients; reports the knee',
      rateList,
    )
    .addOption(
      new Option('--arrivals <kind>', 'fixed-rate send times: staggered (publisher i of P offset by i/P of its interval) or poisson')
        .choices(['staggered', 'poisson'])
        .default('staggered'),
    )
    .option('--window <n>', "in-flight messages per publisher when --rate 0 (a publisher's own echo is its ack)", int(1), 256)
    .option('--size <bytes>', `payload bytes per message, without protocol framing (≥ ${payloadHeaderBytes})`, int(payloadHeaderBytes), 64)
    .option('--duration <s>', 'measured window (per stage with --rates), > 0', seconds, 10)
    .option(
      '--warmup <s>',
      'publishing before the measured window (per stage; counted for loss, not for throughput or latency)',
      seconds,
      2,
    )
    .option('--ramp <connects/s>', 'connect rate over all shards', int(1), 2000)
    .option(
      '--drain <s>',
      'after publishing stops, wait at most this long for in-flight messages (ends early after 300 ms of silence)',
      seconds,
      5,
    )
    .option('--threads <n>', 'client shards (piscina worker threads)', int(1), os.availableParallelism())
    .option(
      '--server-pid <pid>',
      "sample this process's CPU seconds and RSS from /proc (window, per stage, per second); repeat for several processes (nodes, a broker): summed, and reported each",
      pidList,
      [],
    )
    .option('--max-loss <n|ratio|%>', 'fail when more deliveries are lost: a count (50), a ratio (0.001) or a percentage (0.1%)', maxLoss, {
      kind: 'count',
      value: 0,
    })
    .option('--max-p99-ms <ms>', 'fail when the p99 latency of the measured window(s) exceeds this', positive)
    .option('--min-deliveries-per-second <n>', 'fail when the measured deliveries/s fall below this', positive)
    .option('--json <file>', "write the JSON report here; '-' = stdout (the human output then goes to stderr); default: the temp directory")
    .option('--hgrm <file>', 'write the latency histogram as HdrHistogram percentile text (.hgrm, values in ms)')
    .option('--chart <file>', 'with --rates: the SVG chart of the sweep (default: beside the JSON report)')
    .option('--quiet', 'no live status and no summary table: only failures and where the report went', false)
    .addHelpText(
      'after',
      `
Phases: connect ramp → handshake → all ready → per stage: warmup → measured window → drain → report.
Throughput and latency count deliveries received inside the measured window(s); loss, duplicates and
order cover everything published after all clients were ready. Latency at a fixed rate is measured from
each message's scheduled send time (no coordinated omission).

Checks (exit code 1, each failure printed with its margin): a client that never became ready, a client
disconnected, deliveries lost beyond --max-loss (default 0), duplicated or misrouted messages, rooms whose
members saw different orders, server throttling (flood errors), --max-p99-ms, --min-deliveries-per-second.
Exit codes: 0 all checks passed, 1 a check failed (the report is still written), 2 bad usage,
3 nothing to measure (no client connected).

--target: a seed server shares nothing with another, so several seed targets make separate rooms (their
loss figures are meaningless); NATS/Redis subjects are named like roomcast rooms: lt-<pid36>[-r<i>].`,
    );
}

interface RawOptions extends Omit<RunConfig, 'targetSpecs' | 'targets' | 'protocol' | 'rates' | 'arrivals' | 'serverPids'> {
  serverPid: number[];
  target: string[];
  protocol: string;
  rate: number;
  rates?: number[];
  arrivals: string;
}

/** The help text, for the README check. */
export function helpText(): string {
  return makeProgram().helpInformation();
}

/**
 * Parses argv (node, script, ...options). Throws UsageError for anything wrong; `--help` prints and
 * throws CommanderError with exitCode 0.
 */
export function parseCommandLine(argv: string[]): RunConfig {
  const program = makeProgram()
    .exitOverride()
    .configureOutput({ outputError: () => {} });
  try {
    program.parse(argv);
  } catch (error) {
    if (error instanceof CommanderError && error.exitCode !== 0) throw new UsageError(error.message.replace(/^error: /, ''));
    throw error;
  }
  const o = program.opts<RawOptions>();
  const fail = (message: string): never => {
    throw new UsageError(message);
  };
  if (!protocols.includes(o.protocol as ProtocolName)) fail(`--protocol must be one of ${protocols.join(', ')}, not "${o.protocol}"`);
  const protocol = o.protocol as ProtocolName;
  if (o.rooms > o.clients) fail(`--rooms ${o.rooms} > --clients ${o.clients}: every room needs a member; use --rooms ≤ ${o.clients}`);
  if (o.publishers > o.clients)
    fail(`--publishers ${o.publishers} > --clients ${o.clients}: publishers are clients; use --publishers ≤ ${o.clients}`);
  if (o.publishers > maxPublisherId) fail(`--publishers ${o.publishers}: at most ${maxPublisherId}`);
  if (protocol === 'seed' && o.rooms !== 1) fail('--protocol seed: the seed server has no rooms; use --rooms 1');
  const socketsNeeded = o.clients + (protocol === 'redis' ? o.publishers : 0);
  if (socketsNeeded > maxSockets) fail(`${socketsNeeded} sockets exceed one process's cap (~${maxSockets}): run several load processes`);
  if (o.duration <= 0) fail('--duration must be > 0');
  if (o.rates !== undefined && o.rate > 0) fail('--rate and --rates exclude each other: --rates 1000 is one stage at 1000 msg/s');
  const rates = o.rates ?? [o.rate];
  if (o.publishers === 0 && rates.some((r) => r > 0)) fail('--rate/--rates need publishers: --publishers 0 only receives');
  if (o.room !== undefined) {
    if (o.rooms !== 1) fail(`--room names the one room of --rooms 1 (rooms are named for the run with --rooms ${o.rooms})`);
    if (!roomPattern.test(o.room)) fail(`--room "${o.room}": use 1-32 lower-case letters, digits, _ or -`);
  }
  if (o.chart !== undefined && o.rates === undefined) fail('--chart draws a sweep: give --rates');
  const targets = parseTargets(o.target, protocol);
  return {
    targetSpecs: o.target,
    targets,
    protocol,
    clients: o.clients,
    rooms: o.rooms,
    room: o.room,
    publishers: o.publishers,
    rates,
    arrivals: o.arrivals as ArrivalKind,
    window: o.window,
    size: o.size,
    duration: o.duration,
    warmup: o.warmup,
    ramp: o.ramp,
    drain: o.drain,
    threads: o.threads,
    serverPids: o.serverPid,
    json: o.json,
    hgrm: o.hgrm,
    chart: o.chart,
    quiet: o.quiet,
    maxLoss: o.maxLoss,
    maxP99Ms: o.maxP99Ms,
    minDeliveriesPerSecond: o.minDeliveriesPerSecond,
  };
}
