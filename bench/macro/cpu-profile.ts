/**
 * Summarises V8 .cpuprofile files (node --cpu-prof writes one per thread): the top functions by self
 * time for each thread, the thread named by the roomcast file its code comes from.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[];
  samples: number[];
  timeDeltas: number[];
}

export interface HotFunction {
  name: string;
  location: string;
  selfMs: number;
  /** Share of the thread's busy (non-idle) time. */
  share: number;
}

export interface ThreadProfile {
  thread: string;
  file: string;
  busyMs: number;
  idleMs: number;
  top: HotFunction[];
}

/** One role's threads together: how much of the process's CPU each kind of thread took. */
export interface RoleTotal {
  role: string;
  threads: number;
  busyMs: number;
  idleMs: number;
  /** Of all profiled threads' busy time. */
  share: number;
}

/** A thread's role, told by the roomcast entry file its profile contains. */
const roles: [string, string][] = [
  ['coordinator-worker.ts', 'coordinator'],
  ['connection-worker.ts', 'connection worker'],
  ['src/main.ts', 'main (acceptor)'],
];

function summariseOne(file: string, topN: number): ThreadProfile {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const frames = new Map(profile.nodes.map((n) => [n.id, n.callFrame]));
  const selfUs = new Map<string, { name: string; location: string; us: number }>();
  let idleUs = 0;
  let totalUs = 0;
  profile.samples.forEach((id, i) => {
    const us = profile.timeDeltas[i] ?? 0;
    const frame = frames.get(id)!;
    totalUs += us;
    if (frame.functionName === '(idle)') {
      idleUs += us;
      return;
    }
    const location = frame.url === '' ? '' : `${path.basename(frame.url)}:${frame.lineNumber + 1}`;
    const key = `${frame.functionName}@${location}`;
    const entry = selfUs.get(key) ?? { name: frame.functionName || '(anonymous)', location, us: 0 };
    entry.us += us;
    selfUs.set(key, entry);
  });
  const urls = profile.nodes.map((n) => n.callFrame.url).join('\n');
  const busyUs = totalUs - idleUs;
  return {
    thread: roles.find(([marker]) => urls.includes(marker))?.[1] ?? 'other',
    file: path.basename(file),
    busyMs: busyUs / 1000,
    idleMs: idleUs / 1000,
    top: [...selfUs.values()]
      .sort((a, b) => b.us - a.us)
      .slice(0, topN)
      .map((e) => ({ name: e.name, location: e.location, selfMs: e.us / 1000, share: busyUs > 0 ? e.us / busyUs : 0 })),
  };
}

export function summariseProfiles(dir: string, topN = 8): ThreadProfile[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.cpuprofile'))
    .map((f) => summariseOne(path.join(dir, f), topN))
    .sort((a, b) => b.busyMs - a.busyMs);
}

/** Busy and idle time per thread role, busiest role first. */
export function threadRoles(threads: ThreadProfile[]): RoleTotal[] {
  const totalBusy = threads.reduce((a, t) => a + t.busyMs, 0);
  const byRole = new Map<string, RoleTotal>();
  for (const t of threads) {
    const r = byRole.get(t.thread) ?? { role: t.thread, threads: 0, busyMs: 0, idleMs: 0, share: 0 };
    r.threads++;
    r.busyMs += t.busyMs;
    r.idleMs += t.idleMs;
    r.share = totalBusy > 0 ? r.busyMs / totalBusy : 0;
    byRole.set(t.thread, r);
  }
  return [...byRole.values()].sort((a, b) => b.busyMs - a.busyMs);
}
