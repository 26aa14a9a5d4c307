// A short name for a process measured from outside (a roomcast node, a broker), so a report that sums
// several processes can still say which one cost what: "node main.ts", "redis-server", "nats-server".
import { readFileSync } from 'node:fs';
import path from 'node:path';

/** Runtimes whose script, not their own name, says what the process is. */
const interpreters = /^(node|python[0-9.]*|bun|deno)$/;
const scriptFile = /\.(ts|js|mjs|cjs|py)$/;

/**
 * From /proc's comm and cmdline (NUL-separated arguments): the executable's base name, followed by the
 * script's base name for an interpreter. Redis rewrites its cmdline into one space-separated title
 * ("redis-server 127.0.0.1:6379"), so only the first word of the first argument names the executable.
 */
export function shortProcessName(comm: string, cmdline: string): string {
  const argv = cmdline.split('\0').filter((a) => a !== '');
  if (argv.length === 0) return comm.trim();
  const executable = path.basename(argv[0].split(' ')[0]);
  if (!interpreters.test(executable)) return executable;
  const script = argv.slice(1).find((a) => !a.startsWith('-') && scriptFile.test(a));
  return script === undefined ? executable : `${executable} ${path.basename(script)}`;
}

/** The process's short name, or `pid N` when /proc cannot tell (it is gone or not ours to read). */
export function processName(pid: number): string {
  try {
    return shortProcessName(readFileSync(`/proc/${pid}/comm`, 'utf8'), readFileSync(`/proc/${pid}/cmdline`, 'utf8'));
  } catch {
    return `pid ${pid}`;
  }
}
