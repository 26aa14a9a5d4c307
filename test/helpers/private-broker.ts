// A Redis or NATS server of a test's own, on a free loopback port, that the test may stop and restart
// (keeping its data or not) without touching the machine's shared brokers. Redis keeps data across a
// restart through an RDB written at shutdown; NATS through its JetStream store directory.
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { accepts, type BrokerId, brokerBinaries, freePort, spawnFirst } from '../../bench/macro/private-brokers.ts';
import { sleep } from './wait-until.ts';

const host = '127.0.0.1';

export interface TestBroker {
  readonly id: BrokerId;
  readonly port: number;
  /** redis://… or nats://…, as --bus takes it. */
  readonly url: string;
  readonly pid: number | undefined;
  /** Stops it (SIGKILL: no goodbye to clients, as a crash; Redis then keeps only its last RDB). */
  kill(): Promise<void>;
  /** Stops it cleanly (Redis saves its RDB first, so a restart keeps the data). */
  stop(): Promise<void>;
  /** Starts it again on the same port, with the data it had or with none. */
  start(options: { keepData: boolean }): Promise<void>;
  /** Stops it and removes its files. */
  dispose(): Promise<void>;
}

function argsFor(id: BrokerId, port: number, dir: string): string[] {
  return id === 'redis'
    ? ['--port', String(port), '--bind', host, '--dir', dir, '--dbfilename', 'dump.rdb', '--save', '3600 1', '--appendonly', 'no']
    : ['-js', '-a', host, '-p', String(port), '-sd', dir];
}

export async function startTestBroker(id: BrokerId): Promise<TestBroker> {
  const port = await freePort();
  let dir = mkdtempSync(path.join(os.tmpdir(), `roomcast-test-${id}-`));
  let child: ChildProcess | undefined;
  const running = () => child !== undefined && child.exitCode === null && child.signalCode === null;

  const launch = async () => {
    const started = await spawnFirst(brokerBinaries[id], argsFor(id, port, dir), dir);
    child = started.child;
    let output = '';
    const keep = (text: string) => {
      output = (output + text).slice(-2000);
    };
    child.stdout!.setEncoding('utf8').on('data', keep);
    child.stderr!.setEncoding('utf8').on('data', keep);
    const deadline = Date.now() + 10_000;
    while (!(await accepts(port))) {
      if (!running() || Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`${started.binary} did not accept connections on port ${port}:\n${output}`);
      }
      await sleep(20);
    }
  };

  const end = async (signal: NodeJS.Signals) => {
    if (!running()) return;
    const exited = once(child!, 'exit');
    child!.kill(signal);
    const force = setTimeout(() => child?.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(force);
  };

  await launch();
  return {
    id,
    port,
    url: `${id}://${host}:${port}`,
    get pid() {
      return child?.pid;
    },
    kill: () => end('SIGKILL'),
    stop: () => end('SIGTERM'),
    async start({ keepData }) {
      if (running()) throw new Error(`${id} on port ${port} is already running`);
      if (!keepData) {
        rmSync(dir, { recursive: true, force: true });
        dir = mkdtempSync(path.join(os.tmpdir(), `roomcast-test-${id}-`));
      }
      await launch();
    },
    async dispose() {
      await end('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
