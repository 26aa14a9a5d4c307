// The way a newcomer runs the server: `npm start`, which runs src/start.js. Stopping npm (SIGTERM, as
// a process manager or a container runtime does) must stop the server too, not leave it orphaned and
// still listening; and a Node too old to run the TypeScript sources is told what to do instead.
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import net from 'node:net';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { waitUntil } from '../helpers/wait-until.ts';

const projectRoot = fileURLToPath(new URL('../..', import.meta.url));

const launcher = fileURLToPath(new URL('../../src/start.js', import.meta.url));

/** The `node` first on PATH outside the project (the system's), and its major version, if there is one. */
function systemNode(): { path: string; major: number } | undefined {
  try {
    // Under `npm test` PATH starts with the project's node_modules/.bin: look past it.
    const PATH = (process.env.PATH ?? '')
      .split(':')
      .filter((dir) => !dir.includes('node_modules'))
      .join(':');
    const path = execFileSync('sh', ['-c', 'command -v node'], { encoding: 'utf8', env: { PATH } }).trim();
    const major = Number(execFileSync(path, ['-p', 'process.versions.node.split(".")[0]'], { encoding: 'utf8' }).trim());
    return { path, major };
  } catch {
    return undefined;
  }
}

const isRunning = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

test('SIGTERM to `npm start` stops the server and closes its port', async (t) => {
  const npm = spawn('npm', ['start', '--', '--port', '0', '--irc-port', '0', '--http-port', '0', '--workers', '1'], {
    cwd: projectRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  npm.stdout!.setEncoding('utf8').on('data', (text: string) => (output += text));
  npm.stderr!.setEncoding('utf8').on('data', (text: string) => (output += text));
  const npmExited = once(npm, 'exit');
  await waitUntil(
    () => /listening on \S+:\d+ .*\(pid \d+/.test(output) || npm.exitCode !== null,
    20_000,
    () => `the listening line:\n${output}`,
  );
  const [, port, pid] = /listening on \S+:(\d+) .*\(pid (\d+)/.exec(output)!.map(Number) as [number, number, number];
  t.after(() => {
    // Were the server orphaned, do not leave it running after the test.
    if (isRunning(pid)) process.kill(pid, 'SIGKILL');
  });
  assert.notEqual(pid, npm.pid, 'the server is a child of npm, not npm itself');

  npm.kill('SIGTERM');
  await waitUntil(() => !isRunning(pid), 10_000, `server process ${pid} to exit`);
  await npmExited;
  await assert.rejects(
    new Promise((resolve, reject) => net.connect(port, '127.0.0.1').on('connect', resolve).on('error', reject)),
    /ECONNREFUSED/,
  );
  assert.match(output, /SIGTERM received/);
});

const system = systemNode();
test('on an older Node the launcher says which Node it needs and how the project brings it', () => {
  // This machine's own Node (the one npm runs on) is older than the project's: that is the case to test.
  assert.ok(system !== undefined && system.major < 26, `a Node older than 26 on PATH besides the project's (found ${system?.major})`);
  const result = spawnSync(system!.path, [launcher, '--port', '0'], { encoding: 'utf8', timeout: 10_000 });
  assert.equal(result.status, 1);
  assert.match(result.stderr, /^roomcast needs Node 26; this is Node \d+/);
  assert.match(result.stderr, /npm ci.*npm start/);
  assert.match(result.stderr, /node_modules\/\.bin\/node src\/main\.ts/);
});
