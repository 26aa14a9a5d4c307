/**
 * The report's own Redis and NATS: started fresh on free loopback ports with their default configuration
 * (persistence off for Redis), once per report and on first use, so their CPU is theirs alone and no one
 * else's traffic or settings are in the figures. stopPrivateBrokers() ends them; report.ts calls it at
 * the end, on errors and on Ctrl-C.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export type BrokerId = 'nats' | 'redis';

export interface PrivateBroker {
  id: BrokerId;
  host: string;
  port: number;
  pid: number;
  /** The command line it was started with, for the report. */
  command: string;
  alive(): boolean;
}

/** Their executables: on PATH, else where the shared brokers run from (nats-server is in /usr/sbin). */
export const brokerBinaries: Record<BrokerId, string[]> = {
  redis: ['redis-server', '/usr/bin/redis-server', '/usr/local/bin/redis-server'],
  nats: ['nats-server', '/usr/sbin/nats-server', '/usr/local/bin/nats-server', '/usr/bin/nats-server'],
};

const host = '127.0.0.1';
const readyTimeoutMs = 10_000;
const stopGraceMs = 5_000;

export interface BrokerOptions {
  /** NATS with JetStream (its store in the broker's own directory): what roomcast's NATS bus needs. */
  jetstream?: boolean;
}

function brokerArgs(id: BrokerId, port: number, dir: string, { jetstream = false }: BrokerOptions): string[] {
  if (id === 'redis') return ['--port', String(port), '--bind', host, '--save', '', '--appendonly', 'no'];
  return ['-a', host, '-p', String(port), ...(jetstream ? ['-js', '-sd', dir] : [])];
}

/** One broker per id and options: the macro report's plain NATS is not the cluster's JetStream NATS. */
const brokerKey = (id: BrokerId, { jetstream = false }: BrokerOptions): string => (id === 'nats' && jetstream ? 'nats+jetstream' : id);

export async function freePort(): Promise<number> {
  const server = net.createServer();
  server.listen(0, host);
  await once(server, 'listening');
  const { port } = server.address() as net.AddressInfo;
  server.close();
  await once(server, 'close');
  return port;
}

export async function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, host);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

export function spawnFirst(candidates: string[], args: string[], cwd: string): Promise<{ child: ChildProcess; binary: string }> {
  const [binary, ...rest] = candidates;
  if (binary === undefined) return Promise.reject(new Error('not installed'));
  const child = spawn(binary, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    child.once('spawn', () => resolve({ child, binary }));
    child.once('error', (error: NodeJS.ErrnoException) =>
      error.code === 'ENOENT' ? spawnFirst(rest, args, cwd).then(resolve, reject) : reject(error),
    );
  });
}

interface Started {
  broker: PrivateBroker;
  child: ChildProcess;
  dir: string;
}

const started = new Map<string, Promise<Started>>();

async function start(id: BrokerId, options: BrokerOptions): Promise<Started> {
  const port = await freePort();
  // Redis writes nothing with --save '' and --appendonly no; its working directory is ours to remove all the
  // same. JetStream keeps its store there.
  const dir = mkdtempSync(path.join(os.tmpdir(), `roomcast-bench-${id}-`));
  const args = brokerArgs(id, port, dir, options);
  const { child, binary } = await spawnFirst(brokerBinaries[id], args, dir);
  // Kept only for a start failure's message.
  let output = '';
  const keep = (t: string): void => {
    output = (output + t).slice(-2000);
  };
  child.stdout!.setEncoding('utf8').on('data', keep);
  child.stderr!.setEncoding('utf8').on('data', keep);
  const exited = (): boolean => child.exitCode !== null || child.signalCode !== null;
  const deadline = Date.now() + readyTimeoutMs;
  while (!(await accepts(port))) {
    if (exited() || Date.now() > deadline) {
      child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`${binary} ${args.join(' ')} did not accept connections:\n${output}`);
    }
    await sleep(50);
  }
  // The report shows the command, not this machine's temporary path.
  const command = [binary, ...args.map((a) => (a === '' ? "''" : a === dir ? '<temp dir>' : a))].join(' ');
  return { broker: { id, host, port, pid: child.pid!, command, alive: () => !exited() }, child, dir };
}

/** The report's own broker `id`, started on first use. */
export async function privateBroker(id: BrokerId, options: BrokerOptions = {}): Promise<PrivateBroker> {
  const key = brokerKey(id, options);
  let s = started.get(key);
  if (s === undefined) {
    s = start(id, options);
    started.set(key, s);
    s.catch(() => started.delete(key));
  }
  return (await s).broker;
}

/** The command lines of the brokers started so far. */
export async function privateBrokerCommands(): Promise<string[]> {
  const all = await Promise.allSettled(started.values());
  return all.flatMap((s) => (s.status === 'fulfilled' ? [s.value.broker.command] : []));
}

/** SIGTERM each broker we started (SIGKILL after a grace period) and remove its directory. */
export async function stopPrivateBrokers(): Promise<void> {
  const all = await Promise.allSettled(started.values());
  started.clear();
  await Promise.all(
    all.map(async (s) => {
      if (s.status !== 'fulfilled') return;
      const { child, dir } = s.value;
      if (child.exitCode === null && child.signalCode === null) {
        const exit = once(child, 'exit');
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), stopGraceMs);
        await exit;
        clearTimeout(timer);
      }
      rmSync(dir, { recursive: true, force: true });
    }),
  );
}
