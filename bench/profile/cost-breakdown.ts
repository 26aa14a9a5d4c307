/**
 * Where a server's CPU goes, from perf samples (roomcast's, the coalescing baseline's, or Redis's): each sample is charged to its thread's role (told by the
 * roomcast files on that thread's stacks) and to one activity (the first rule below that matches any
 * frame of its stack, so a socket write made while fanning out is a socket write). Divided by the
 * deliveries and messages of the same window, that is the cost per delivery and per message of each
 * role and activity: the figures docs/scaling.md builds its model from.
 *
 * perf samples on-CPU time only (the cpu-clock event), kernel included: unlike --cpu-prof, a thread that
 * is preempted inside postMessage (its wake-up of another thread gave that thread the core) is not
 * charged for the wait.
 */
import type { PerfSample } from './perf-samples.ts';

export type ThreadRole = 'acceptor (main)' | 'connection worker' | 'coordinator' | 'V8 helpers (GC, compiler)' | 'single thread' | 'other';

const activities: [name: string, pattern: RegExp][] = [
  [
    'socket writes',
    /write-batcher\.ts|flush file:.*coalescing-server\.ts|Writev|WriteBuffer|writeGeneric|writeToClient|tcp_sendmsg|sock_write_iter/,
  ],
  ['fan-out: encode a run, queue it per member', /room-line-run\.ts|room-event-lines|closeRoomLineRun/],
  // The rings (ring-port.ts) carry the hot ops; the port the rest, and each op over it is a structured clone.
  [
    'cross-thread send (serialize, wake)',
    /batched-port\.ts|(send|#write|#publish|flush) file:\S*ring-port\.ts|ValueSerializer|postMessage/,
  ],
  [
    'cross-thread receive (deserialize, dispatch)',
    /#read file:\S*ring-port\.ts|MessagePort::OnMessage|ValueDeserializer|MessagePort::ReceiveMessage/,
  ],
  ['socket reads (frame, parse, session)', /onStreamRead|OnUvRead|uv__read|readQueryFromClient|tcp_recvmsg|sock_read_iter/],
  ['garbage collection', /Heap::|Scavenger|MarkCompact|GCTracer|ConcurrentMarking|Sweeper/],
  ['JIT compiler', /compiler::|Compiler::|turboshaft|maglev/i],
  ['event loop, timers, sleep', /uv__io_poll|uv__run_timers|epoll_wait|processTimers|schedule_hrtimeout/],
];

export const activityNames: string[] = [...activities.map(([name]) => name), 'other'];

function activityOf(sample: PerfSample): string {
  for (const [name, pattern] of activities) if (sample.frames.some((frame) => pattern.test(frame))) return name;
  return 'other';
}

/** A thread's role from its name and the roomcast entry files its stacks pass through. */
function rolesByThread(samples: PerfSample[]): Map<number, ThreadRole> {
  const roles = new Map<number, ThreadRole>();
  for (const sample of samples) {
    const known = roles.get(sample.tid);
    if (known !== undefined && known !== 'other') continue;
    const stack = sample.frames.join('\n');
    let role: ThreadRole = 'other';
    if (sample.comm === 'node-V8Worker') role = 'V8 helpers (GC, compiler)';
    else if (sample.comm === 'redis-server') role = 'single thread';
    else if (/workers\/coordinator\//.test(stack)) role = 'coordinator';
    else if (/workers\/connection\//.test(stack)) role = 'connection worker';
    else if (/src\/(main|server)\.ts|src\/acceptor\//.test(stack)) role = 'acceptor (main)';
    else if (/bench\/baselines\//.test(stack)) role = 'single thread';
    roles.set(sample.tid, role);
  }
  return roles;
}

export interface CostCell {
  role: ThreadRole;
  activity: string;
  cpuSeconds: number;
  /** Of all the process's samples. */
  share: number;
  nsPerDelivery: number;
  nsPerMessage: number;
}

export interface CostBreakdown {
  cpuSeconds: number;
  nsPerDelivery: number;
  nsPerMessage: number;
  /** Threads seen per role (a role's cost is the sum over its threads). */
  threads: Partial<Record<ThreadRole, number>>;
  cells: CostCell[];
}

/** `hz` is perf's sampling frequency; deliveries and messages are those of the recorded window. */
export function costBreakdown(samples: PerfSample[], hz: number, deliveries: number, messages: number): CostBreakdown {
  const roles = rolesByThread(samples);
  const counts = new Map<string, { role: ThreadRole; activity: string; n: number }>();
  for (const sample of samples) {
    const role = roles.get(sample.tid) ?? 'other';
    const activity = activityOf(sample);
    const key = `${role}\u0000${activity}`;
    const entry = counts.get(key) ?? { role, activity, n: 0 };
    entry.n++;
    counts.set(key, entry);
  }
  const seconds = (n: number): number => n / hz;
  const threads: Partial<Record<ThreadRole, number>> = {};
  for (const role of roles.values()) threads[role] = (threads[role] ?? 0) + 1;
  const total = samples.length;
  const cells = [...counts.values()]
    .map(({ role, activity, n }) => ({
      role,
      activity,
      cpuSeconds: seconds(n),
      share: n / total,
      nsPerDelivery: (seconds(n) / deliveries) * 1e9,
      nsPerMessage: (seconds(n) / messages) * 1e9,
    }))
    .sort((a, b) => b.cpuSeconds - a.cpuSeconds);
  return {
    cpuSeconds: seconds(total),
    nsPerDelivery: (seconds(total) / deliveries) * 1e9,
    nsPerMessage: (seconds(total) / messages) * 1e9,
    threads,
    cells,
  };
}
