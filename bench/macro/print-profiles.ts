// `node bench/macro/print-profiles.ts DIR [TOP]`: the top functions by self time of each .cpuprofile in DIR
// (node --cpu-prof --cpu-prof-dir DIR writes one per thread), each thread named by its role.
import { summariseProfiles } from './cpu-profile.ts';

const [dir, top = '12'] = process.argv.slice(2);
if (dir === undefined) {
  console.error('usage: node bench/macro/print-profiles.ts DIR [TOP]');
  process.exit(2);
}
for (const thread of summariseProfiles(dir, Number(top))) {
  console.log(`\n${thread.thread} (${thread.file}): busy ${thread.busyMs.toFixed(0)} ms, idle ${thread.idleMs.toFixed(0)} ms`);
  for (const fn of thread.top) {
    console.log(`  ${(fn.share * 100).toFixed(1).padStart(5)}%  ${fn.selfMs.toFixed(0).padStart(6)} ms  ${fn.name}  ${fn.location}`);
  }
}
