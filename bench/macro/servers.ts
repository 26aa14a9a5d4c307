/**
 * The servers a macro benchmark compares: roomcast at 1, 2 and 4 workers, the three baselines, the
 * report's own Redis and NATS, and the load tool's sink (its own capacity). Each knows how to start itself.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ProtocolName } from '../loadgen/types.ts';
import { startChildServer } from '../../harness/child-server.ts';
import { doorPorts, type DoorPorts } from './door-ports.ts';
import { brokerBinaries, type BrokerId, privateBroker } from './private-brokers.ts';

export type ServerKind = 'roomcast' | 'baseline' | 'broker' | 'sink';

/** A server being measured: a child process of ours (the brokers live across runs, see private-brokers.ts). */
export interface RunningServer {
  host: string;
  port: number;
  pid: number;
  /** Whether the server is still running (a crash is part of what a benchmark reports). */
  alive(): boolean;
  stop(): Promise<unknown>;
  /** roomcast launched with `doors`: its IRC and browser doors' ports. */
  doors?: DoorPorts;
  /** What a child server printed (its stats records). */
  output?(): string;
}

export interface LaunchOptions {
  /** Extra roomcast flags (scenario 4's connection cap in quick mode). */
  extraArgs?: string[];
  /** Node's --cpu-prof output directory, for the profiling run. */
  cpuProfDir?: string;
  /** roomcast: open the IRC and browser doors too (the mixed scenario), and log stats records. */
  doors?: boolean;
}

export interface ServerSpec {
  id: string;
  kind: ServerKind;
  protocol: ProtocolName;
  /** Whether it has rooms; the baselines relay every line to every client. */
  rooms: boolean;
  launch(options?: LaunchOptions): Promise<RunningServer>;
}

const statsIntervalMs = 500;
const script = (relative: string): string => fileURLToPath(new URL(relative, import.meta.url));

/**
 * Benchmarks measure fan-out, not the abuse guards: flood limits, the per-IP cap and the per-IP connect
 * rate are off (every client is on 127.0.0.1), and a client may fall 64 MiB behind before it is dropped
 * as a slow consumer. Only the line protocol is measured (the IRC and browser doors stay shut), but for the
 * mixed scenario, which opens every door.
 */
const shutDoors = ['--no-irc', '--no-http'];
/** The mixed scenario's doors on free ports; stats records for its encodings-per-run counter. */
const openDoors = ['--irc-port', '0', '--http-port', '0', '--stats-interval-ms', String(statsIntervalMs)];

export const roomcastBenchFlags = [
  ...shutDoors,
  '--flood-messages-per-second',
  '0',
  '--flood-bytes-per-second',
  '0',
  '--max-connections-per-ip',
  '0',
  '--max-connects-per-ip-per-second',
  '0',
  '--max-output-bytes',
  String(64 * 1024 * 1024),
];

function roomcast(workers: number): ServerSpec {
  return {
    id: `roomcast-w${workers}`,
    kind: 'roomcast',
    protocol: 'roomcast',
    rooms: true,
    async launch({ extraArgs = [], cpuProfDir, doors = false } = {}) {
      const child = await startChildServer(process.execPath, [
        ...(cpuProfDir === undefined ? [] : ['--cpu-prof', '--cpu-prof-dir', cpuProfDir]),
        script('../../src/main.ts'),
        '--port',
        '0',
        '--workers',
        String(workers),
        ...(doors ? roomcastBenchFlags.filter((flag) => !shutDoors.includes(flag)).concat(openDoors) : roomcastBenchFlags),
        ...extraArgs,
      ]);
      return doors ? { ...child, doors: doorPorts(child.output()) } : child;
    },
  };
}

/** The report's own broker, started once and kept for every run; a run's stop leaves it running. */
function broker(id: BrokerId): ServerSpec {
  return {
    id,
    kind: 'broker',
    protocol: id,
    rooms: true,
    async launch() {
      const b = await privateBroker(id);
      return { host: b.host, port: b.port, pid: b.pid, alive: b.alive, stop: async () => {} };
    },
  };
}

export const servers: ServerSpec[] = [
  roomcast(1),
  roomcast(2),
  roomcast(4),
  {
    id: 'naive',
    kind: 'baseline',
    // Raw lines relayed to everyone: the seed adapter's probe handshake fits it.
    protocol: 'seed',
    rooms: false,
    launch: () => startChildServer(process.execPath, [script('../baselines/naive-server.ts'), '--port', '0']),
  },
  {
    id: 'coalescing',
    kind: 'baseline',
    protocol: 'seed',
    rooms: false,
    launch: () => startChildServer(process.execPath, [script('../baselines/coalescing-server.ts'), '--port', '0']),
  },
  {
    id: 'seed',
    kind: 'baseline',
    protocol: 'seed',
    rooms: false,
    launch: () => startChildServer('python3', ['-u', script('../baselines/seed_server.py'), '0']),
  },
  broker('nats'),
  broker('redis'),
  {
    id: 'sink',
    kind: 'sink',
    protocol: 'roomcast',
    rooms: false,
    launch: () => startChildServer(process.execPath, [script('../loadtest/sink-server.ts'), '--port', '0']),
  },
];

/** Versions of what runs outside this repository, for the report's header. */
export function peerVersions(): Record<string, string> {
  const version = (commands: string[], args: string[]): string => {
    for (const command of commands) {
      try {
        return execFileSync(command, args, { encoding: 'utf8' }).trim().split('\n')[0];
      } catch {}
    }
    return 'unknown';
  };
  return {
    nats: version(brokerBinaries.nats, ['--version']),
    redis: version(brokerBinaries.redis, ['--version']),
    python: version(['python3'], ['--version']),
  };
}
