// What the soak watches in the server process: memory and descriptors from /proc/PID, CPU per thread
// from /proc/PID/task/*/stat, and per-worker figures from the operator's /stats answer.
import { once } from 'node:events';
import { readdirSync, readFileSync } from 'node:fs';
import net from 'node:net';
import { sampleProcess } from '../../harness/proc-sampler.ts';

export interface WorkerFigures {
  connections: number;
  deliveries: number;
  queuedBytes: number;
  slowConsumers: number;
  floodDisconnects: number;
  timeouts: number;
  eventLoopUtilization: number;
  heapMiB: number;
}

export interface ServerFigures {
  liveConnections: number;
  workerRestarts: number;
  workers: WorkerFigures[];
  coordinatorHeapMiB: number;
}

const workerLine =
  /^-- worker \d+: connections (\d+), lines in \d+, deliveries (\d+), queued (\d+) B, slow consumers (\d+), flood drops \d+\/disconnects (\d+), timeouts (\d+), ELU ([\d.]+), heap ([\d.]+) MiB/;
const coordinatorLine = /^-- coordinator: ELU [\d.]+, heap ([\d.]+) MiB/;
const connectionsLine = /^-- connections (\d+) .*worker restarts (\d+)/;

/** An operator session that asks /stats; each thread reports ELU over its own last one-second window. */
export class OperatorStats {
  readonly #socket: net.Socket;
  readonly #workers: number;
  #collecting: { lines: string[]; done(figures: ServerFigures): void } | undefined;
  #operator: (() => void) | undefined;

  private constructor(socket: net.Socket, workers: number) {
    this.#socket = socket;
    this.#workers = workers;
    let partial = '';
    socket.setEncoding('utf8');
    socket.on('error', () => {});
    socket.on('data', (text: string) => {
      const lines = (partial + text).split('\n');
      partial = lines.pop()!;
      for (const line of lines) this.#line(line);
    });
  }

  static async connect(port: number, password: string, workers: number): Promise<OperatorStats> {
    const socket = net.connect(port, '127.0.0.1');
    await once(socket, 'connect');
    const stats = new OperatorStats(socket, workers);
    const operator = new Promise<void>((resolve) => (stats.#operator = resolve));
    socket.write(`soakop\n/oper ${password}\n/part lobby\n`);
    await operator;
    return stats;
  }

  /** The server's figures, or undefined if it does not answer within timeoutMs. */
  ask(timeoutMs = 5000): Promise<ServerFigures | undefined> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#collecting = undefined;
        resolve(undefined);
      }, timeoutMs);
      this.#collecting = {
        lines: [],
        done: (figures) => {
          clearTimeout(timer);
          resolve(figures);
        },
      };
      this.#socket.write('/stats\n');
    });
  }

  close(): void {
    this.#socket.destroy();
  }

  #line(line: string): void {
    if (line === '-- You are now an operator.') this.#operator?.();
    const collecting = this.#collecting;
    if (collecting === undefined || ![connectionsLine, workerLine, coordinatorLine].some((shape) => shape.test(line))) return;
    collecting.lines.push(line);
    // The answer is the connections line, one line per worker, then the coordinator's line.
    if (collecting.lines.length < 2 + this.#workers) return;
    this.#collecting = undefined;
    const [, live, restarts] = connectionsLine.exec(collecting.lines[0]!) ?? [];
    collecting.done({
      liveConnections: Number(live),
      workerRestarts: Number(restarts),
      coordinatorHeapMiB: Number(coordinatorLine.exec(collecting.lines.at(-1)!)![1]),
      workers: collecting.lines.slice(1, -1).map((text) => {
        const [, connections, deliveries, queued, slow, flood, timeouts, elu, heap] = workerLine.exec(text)!.map(Number);
        return {
          connections: connections!,
          deliveries: deliveries!,
          queuedBytes: queued!,
          slowConsumers: slow!,
          floodDisconnects: flood!,
          timeouts: timeouts!,
          eventLoopUtilization: elu!,
          heapMiB: heap!,
        };
      }),
    });
  }
}

export interface ProcessFigures {
  rssBytes: number;
  openFds: number;
  /** CPU seconds used so far by each thread, by label: main, then the worker threads in start order. */
  threadCpuSeconds: Map<string, number>;
}

const ticksPerSecond = 100; // USER_HZ, 100 on every Linux Node supports

/** Reads /proc/PID; undefined once the process is gone. */
export function sampleServerProcess(pid: number): ProcessFigures | undefined {
  const memory = sampleProcess(pid);
  if (memory === null) return undefined;
  try {
    const threads = readdirSync(`/proc/${pid}/task`)
      .map((tid) => {
        const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
        const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        return { tid: Number(tid), name, cpuSeconds: (Number(fields[11]) + Number(fields[12])) / ticksPerSecond };
      })
      .sort((a, b) => a.tid - b.tid);
    const threadCpuSeconds = new Map<string, number>();
    // Node names its JS threads: the main thread, then one WorkerThread per worker, coordinator first.
    for (const thread of threads.filter((t) => t.name === 'node-MainThread')) threadCpuSeconds.set('main', thread.cpuSeconds);
    threads
      .filter((t) => t.name === 'WorkerThread')
      .forEach((thread, index) => {
        threadCpuSeconds.set(index === 0 ? 'coord' : `w${index}`, thread.cpuSeconds);
      });
    return { rssBytes: memory.rssBytes, openFds: readdirSync(`/proc/${pid}/fd`).length, threadCpuSeconds };
  } catch {
    return undefined;
  }
}
