// Several roomcast nodes, each its own process, sharing rooms over one bus (--bus): the cluster end-to-end
// tests' servers. Every door listens on a free port, read back from the node's listening record. A Cluster
// remembers every process it started, so a test kills them all by pid however it ends.
import { once } from 'node:events';
import { parseLogOutput } from '../../harness/log-records.ts';
import { type ServerProcess, spawnServer } from '../../harness/server-process.ts';
import { waitUntil } from './wait-until.ts';

export interface ClusterNode {
  readonly name: string;
  readonly process: ServerProcess;
  readonly pid: number;
  /** The line protocol's port. */
  readonly port: number;
  readonly ircPort: number;
  readonly httpPort: number;
  /** SIGKILL (a crash: no goodbye to the bus), resolved once the process is gone. */
  kill(): Promise<void>;
}

export interface BusSettings {
  /** redis://… or nats://… */
  url: string;
  /** A prefix of the test's own, so nothing it does meets another service on the same broker. */
  prefix: string;
  heartbeatMs: number;
  nickTtlMs: number;
}

/** The flags that put a node on the bus. */
export function busArgs(bus: BusSettings): string[] {
  return [
    '--bus',
    bus.url,
    '--bus-prefix',
    bus.prefix,
    '--bus-heartbeat-ms',
    String(bus.heartbeatMs),
    '--bus-nick-ttl-ms',
    String(bus.nickTtlMs),
  ];
}

const doorPortsTimeoutMs = 5_000;

export class Cluster {
  readonly #bus: BusSettings;
  readonly #args: string[];
  readonly #started: ServerProcess[] = [];

  /** `args`: flags every node gets besides the bus's (history sizes, flood limits…). */
  constructor(bus: BusSettings, args: string[] = []) {
    this.#bus = bus;
    this.#args = args;
  }

  /** Starts one node; `args` are its own flags on top of the cluster's; `busUrl` reaches the same bus another way (a proxy). */
  async start(name: string, args: string[] = [], busUrl = this.#bus.url): Promise<ClusterNode> {
    const server = await spawnServer([...busArgs({ ...this.#bus, url: busUrl }), ...this.#args, ...args]);
    this.#started.push(server);
    // The listening record names every door's port; the line protocol's was read from its text already.
    let ports: { ircPort: number; httpPort: number } | undefined;
    await waitUntil(
      () => {
        const record = parseLogOutput(server.output()).find((entry) => typeof entry.ircPort === 'number');
        if (record !== undefined) ports = { ircPort: record.ircPort as number, httpPort: record.httpPort as number };
        return ports !== undefined;
      },
      doorPortsTimeoutMs,
      `node ${name}'s listening record`,
    );
    return { name, process: server, pid: server.pid, port: server.port, ...ports!, kill: () => killProcess(server) };
  }

  /** Starts `count` nodes at once, named `a`, `b`, `c`…; should one fail, the others have started before it throws (killAll finds them). */
  async startMany(count: number, args: string[] = []): Promise<ClusterNode[]> {
    const results = await Promise.allSettled(Array.from({ length: count }, (_, i) => this.start(String.fromCharCode(97 + i), args)));
    const failed = results.find((result) => result.status === 'rejected');
    if (failed !== undefined) throw failed.reason;
    return results.map((result) => (result as PromiseFulfilledResult<ClusterNode>).value);
  }

  /** Kills every node this cluster started (by pid), whatever state it is in. */
  async killAll(): Promise<void> {
    await Promise.all(this.#started.map(killProcess));
  }
}

async function killProcess(server: ServerProcess): Promise<void> {
  if (!server.alive()) return;
  const exited = once(server.child, 'exit');
  process.kill(server.pid, 'SIGKILL');
  await exited;
}
