import assert from 'node:assert/strict';
import { test } from 'node:test';
import { processName, shortProcessName } from '../../harness/process-name.ts';
import { sampleProcess, sumSamples } from '../../harness/proc-sampler.ts';

test("a short name: the executable, with the script for an interpreter; Redis's rewritten title", () => {
  const argv = (...a: string[]): string => `${a.join('\0')}\0`;
  assert.equal(
    shortProcessName('node-MainThread\n', argv('/opt/node/bin/node', '--cpu-prof', 'src/main.ts', '--port', '0')),
    'node main.ts',
  );
  assert.equal(shortProcessName('node\n', argv('node')), 'node');
  assert.equal(shortProcessName('python3\n', argv('python3', '-u', 'bench/baselines/seed_server.py', '0')), 'python3 seed_server.py');
  assert.equal(shortProcessName('redis-server\n', `redis-server 127.0.0.1:6379${'\0'.repeat(40)}`), 'redis-server');
  assert.equal(shortProcessName('nats-server\n', argv('/usr/sbin/nats-server', '-a', '127.0.0.1', '-p', '4222')), 'nats-server');
  assert.equal(shortProcessName('kworker/0:1\n', ''), 'kworker/0:1');
});

test('this process by its pid; a pid with no process', () => {
  assert.match(processName(process.pid), /^node /);
  assert.equal(processName(2147483646), 'pid 2147483646');
});

test('samples summed; none, or one missing, is no sum', () => {
  const a = { cpuSeconds: 1.5, rssBytes: 100, peakRssBytes: 150 };
  const b = { cpuSeconds: 0.25, rssBytes: 20, peakRssBytes: 30 };
  assert.deepEqual(sumSamples([a, b]), { cpuSeconds: 1.75, rssBytes: 120, peakRssBytes: 180 });
  assert.deepEqual(sumSamples([a]), a);
  assert.equal(sumSamples([]), null);
  assert.equal(sumSamples([a, null]), null);
  assert.ok(sumSamples([sampleProcess(process.pid)])!.cpuSeconds > 0);
});
