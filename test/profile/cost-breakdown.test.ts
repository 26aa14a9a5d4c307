import assert from 'node:assert/strict';
import { test } from 'node:test';
import { costBreakdown } from '../../bench/profile/cost-breakdown.ts';
import { parsePerfScript } from '../../bench/profile/perf-samples.ts';

// Four samples as `perf script -F comm,tid,ip,sym` prints them: two on a connection worker (a socket write
// made while fanning out, and a read), one on the coordinator, one on a V8 helper thread.
const perfScript = `WorkerThread 101 
\t ffffffff81000000 tcp_sendmsg_locked
\t 7f0000000001 JS:*'writeGeneric node:internal/stream_base_commons:93:22
\t 7f0000000002 JS:*'#flush file:///r/workers/connection/write-batcher.ts:24:21
\t 7f0000000003 JS:*'#fanOut file:///r/workers/connection/room-line-run.ts:80:10

WorkerThread 101 
\t 7f0000000004 JS:^receive file:///r/workers/connection/dialects/line-dialect.ts:68:10
\t 7f0000000005 JS:^onStreamRead node:internal/stream_base_commons:171:22

WorkerThread 102 
\t 7f0000000006 v8::internal::ValueDeserializer::ReadObject
\t 7f0000000007 JS:*'handle file:///r/workers/coordinator/coordinator.ts:81:9

node-V8Worker 103 
\t 7f0000000008 v8::internal::compiler::GraphReducer::ReduceTop
`;

test('perf script blocks are read as samples with their frames leaf first', () => {
  const samples = parsePerfScript(perfScript);
  assert.equal(samples.length, 4);
  assert.deepEqual(samples[0], {
    comm: 'WorkerThread',
    tid: 101,
    frames: [
      'tcp_sendmsg_locked',
      "JS:*'writeGeneric node:internal/stream_base_commons:93:22",
      "JS:*'#flush file:///r/workers/connection/write-batcher.ts:24:21",
      "JS:*'#fanOut file:///r/workers/connection/room-line-run.ts:80:10",
    ],
  });
});

test('each sample is charged to its thread role and its first matching activity, per delivery and per message', () => {
  // 4 samples at 1000 Hz = 4 ms of CPU, over 1,000 deliveries of 10 messages.
  const breakdown = costBreakdown(parsePerfScript(perfScript), 1000, 1000, 10);
  assert.equal(breakdown.cpuSeconds, 0.004);
  assert.equal(breakdown.nsPerDelivery, 4000);
  assert.equal(breakdown.nsPerMessage, 400_000);
  assert.deepEqual(breakdown.threads, { 'connection worker': 1, coordinator: 1, 'V8 helpers (GC, compiler)': 1 });
  const cell = (role: string, activity: string) => breakdown.cells.find((c) => c.role === role && c.activity === activity)?.nsPerDelivery;
  assert.equal(cell('connection worker', 'socket writes'), 1000, 'a write made while fanning out is a write');
  assert.equal(cell('connection worker', 'socket reads (frame, parse, session)'), 1000);
  assert.equal(cell('coordinator', 'cross-thread receive (deserialize, dispatch)'), 1000);
  assert.equal(cell('V8 helpers (GC, compiler)', 'JIT compiler'), 1000);
  assert.equal(cell('connection worker', 'fan-out: encode a run, queue it per member'), undefined);
});
