import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { helpText, parseCommandLine, UsageError } from '../../bench/loadtest/cli.ts';
import { parseMaxLoss } from '../../bench/loadtest/thresholds.ts';

const parse = (...args: string[]) => parseCommandLine(['node', 'main.ts', ...args]);

test('defaults: one stage in window mode, staggered arrivals, no loss allowed', () => {
  const c = parse();
  assert.deepEqual(c.rates, [0]);
  assert.equal(c.arrivals, 'staggered');
  assert.deepEqual(c.maxLoss, { kind: 'count', value: 0 });
  assert.deepEqual(c.targets, [{ host: '127.0.0.1', port: 9999, protocol: 'roomcast' }]);
  assert.deepEqual(parse('--rates', '1000, 2000,4000').rates, [1000, 2000, 4000]);
  assert.deepEqual(parse('--rate', '500').rates, [500]);
  assert.deepEqual(c.serverPids, []);
  assert.deepEqual(parse('--server-pid', '12', '--server-pid', '34').serverPids, [12, 34]);
});

test('every bad value or combination is a one-line UsageError naming the flag', () => {
  const cases: [string[], RegExp][] = [
    [['--rooms', '100', '--clients', '50'], /--rooms 100 > --clients 50/],
    [['--publishers', '20', '--clients', '10'], /--publishers 20 > --clients 10/],
    [['--clients', '0'], /--clients/],
    [['--clients', 'many'], /--clients/],
    [['--duration', '0'], /--duration must be > 0/],
    [['--duration', '-1'], /--duration/],
    [['--rate', '100', '--rates', '1,2'], /--rate and --rates/],
    [['--rates', '1000,0'], /--rates/],
    [['--rates', ''], /--rates/],
    [['--publishers', '0', '--rate', '10'], /need publishers/],
    [['--protocol', 'smtp'], /--protocol must be one of/],
    [['--protocol', 'seed', '--rooms', '2'], /seed server has no rooms/],
    [['--room', 'x', '--rooms', '2', '--clients', '4'], /--room names the one room/],
    [['--room', 'Bad Room'], /--room "Bad Room"/],
    [['--target', 'nohost'], /--target/],
    [['--target', '127.0.0.1:99999'], /port 99999 is not between 1 and 65535/],
    [['--target', 'ws://127.0.0.1:0/ws'], /port 0/],
    [['--arrivals', 'bursty'], /--arrivals/],
    [['--max-loss', 'lots'], /--max-loss/],
    [['--max-p99-ms', '0'], /--max-p99-ms/],
    [['--chart', 'x.svg'], /--chart draws a sweep/],
    [['--clients', '30000'], /sockets exceed/],
    [['--frobnicate'], /unknown option/],
    [['--server-pid', '12', '--server-pid', '12'], /pid 12 is named twice/],
    [['--server-pid', '0'], /--server-pid/],
  ];
  for (const [args, message] of cases) {
    assert.throws(
      () => parse(...args),
      (error: Error) => error instanceof UsageError && message.test(error.message) && !error.message.includes('\n'),
      args.join(' '),
    );
  }
});

test('--max-loss takes a count, a ratio or a percentage', () => {
  assert.deepEqual(parseMaxLoss('0'), { kind: 'count', value: 0 });
  assert.deepEqual(parseMaxLoss('50'), { kind: 'count', value: 50 });
  assert.deepEqual(parseMaxLoss('0.001'), { kind: 'ratio', value: 0.001 });
  assert.deepEqual(parseMaxLoss('1.0'), { kind: 'ratio', value: 1 });
  assert.deepEqual(parseMaxLoss('0.5%'), { kind: 'ratio', value: 0.005 });
  for (const bad of ['', '-1', '1.5', '101%', 'x', '1e3']) assert.equal(parseMaxLoss(bad), null, bad);
});

test('the README names every option --help lists', () => {
  const readme = readFileSync(new URL('../../bench/loadtest/README.md', import.meta.url), 'utf8');
  const flags = [...helpText().matchAll(/^\s+(--[a-z0-9-]+)/gm)].map((m) => m[1]).filter((f) => f !== '--help');
  assert.ok(flags.length > 20, flags.join(' '));
  assert.deepEqual(
    flags.filter((flag) => !readme.includes(`\`${flag}`)),
    [],
  );
});
