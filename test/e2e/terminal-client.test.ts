// The terminal client (src/client/main.ts) as a real child process with piped stdin, against a real
// in-process server, next to a raw LineClient in the same room.
import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { test, type TestContext } from 'node:test';
import { LineClient } from '../helpers/line-client.ts';
import { makeSelfSignedCertificate } from '../helpers/self-signed-cert.ts';
import { startTestServer } from '../helpers/test-server.ts';

const clientScript = fileURLToPath(new URL('../../src/client/main.ts', import.meta.url));

// Every line the client prints starts with a time: the receive time (HH:MM), or for a replayed line its
// own time and "(history)".
const timePrefix = /^(?:\d{4}-\d\d-\d\d )?\d\d:\d\d (?:\(history\) )?/;

class ClientProcess {
  readonly child: ChildProcess;
  /** What the client printed, without the time in front. */
  readonly lines: string[] = [];
  /** The same lines as printed. */
  readonly timed: string[] = [];
  #buffered = '';

  constructor(t: TestContext, args: string[]) {
    this.child = spawn(process.execPath, [clientScript, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    t.after(() => this.child.kill());
    this.child.stdout!.setEncoding('utf8').on('data', (text: string) => {
      this.#buffered += text;
      const parts = this.#buffered.split('\n');
      this.#buffered = parts.pop()!;
      for (const line of parts) {
        assert.match(line, timePrefix, 'every line starts with a time');
        this.timed.push(line);
        this.lines.push(line.replace(timePrefix, ''));
      }
    });
    this.child.stderr!.setEncoding('utf8').on('data', (text: string) => this.lines.push(`stderr: ${text}`));
  }

  type(line: string): void {
    this.child.stdin!.write(`${line}\n`);
  }

  /** Resolves with the first output line from index `from` on that matches. */
  async waitFor(match: (line: string) => boolean, from = 0, timeoutMs = 8000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.lines.slice(from).find(match);
      if (found !== undefined) return found;
      if (Date.now() > deadline || this.child.exitCode !== null) {
        throw new Error(`client output never matched; it printed:\n${this.lines.join('\n')}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  async exitCode(timeoutMs = 8000): Promise<number | null> {
    if (this.child.exitCode !== null) return this.child.exitCode;
    const timer = setTimeout(() => this.child.kill('SIGKILL'), timeoutMs);
    const [code] = await once(this.child, 'exit');
    clearTimeout(timer);
    return code as number | null;
  }
}

test('chats with a raw client in the same room, passes commands through, and /quit exits 0', { timeout: 15_000 }, async (t) => {
  const server = await startTestServer();
  t.after(() => server.close());
  const ben = await LineClient.joined(server.port, 'ben');
  t.after(() => ben.close());
  const ann = new ClientProcess(t, ['--nick', 'ann', '--port', String(server.port)]);
  await ann.waitFor((line) => line === '[lobby] -- ann joined');

  ann.type('hello from ann');
  await ben.waitFor((line) => line === '[lobby] <ann> hello from ann');
  ben.send('hi ann');
  await ann.waitFor((line) => line === '[lobby] <ben> hi ann');

  ann.type('/msg ben psst');
  await ben.waitFor((line) => line === '[pm] <ann> psst');
  ann.type('/join #Dev');
  await ann.waitFor((line) => line === '[dev] -- ann joined');

  ann.type('/quit see you');
  assert.equal(await ann.exitCode(), 0);
  await ben.waitFor((line) => line === '[lobby] -- ann quit (see you)');
  assert.ok(!ann.lines.some((line) => line.includes('\u001b')), 'no escape codes without a terminal');
  assert.ok(!ann.lines.some((line) => line.includes('Choose a nickname')), 'the nick was given: the question is not asked');
});

test('piped lines typed before the session is ready are sent, and end of input quits with exit 0', { timeout: 15_000 }, async (t) => {
  const server = await startTestServer();
  t.after(() => server.close());
  const ben = await LineClient.joined(server.port, 'ben');
  t.after(() => ben.close());
  const ann = new ClientProcess(t, ['--port', String(server.port)]);
  // No --nick: the first line is the nickname. All of it is written before the client has connected.
  ann.child.stdin!.end('ann\nfirst line\nsecond line\n');
  await ben.waitFor((line) => line === '[lobby] <ann> second line');
  assert.equal(
    ben.lines.filter((line) => line.startsWith('[lobby] <ann>')).join('\n'),
    '[lobby] <ann> first line\n[lobby] <ann> second line',
  );
  assert.equal(await ann.exitCode(), 0);
  await ben.waitFor((line) => line === '[lobby] -- ann quit');
});

test('a taken nick is reported and the next line is tried as the nick', { timeout: 15_000 }, async (t) => {
  const server = await startTestServer();
  t.after(() => server.close());
  const ben = await LineClient.joined(server.port, 'ben');
  t.after(() => ben.close());
  const other = new ClientProcess(t, ['--nick', 'BEN', '--port', String(server.port)]);
  await other.waitFor((line) => line.startsWith('!! NICK_TAKEN'));
  await other.waitFor((line) => line === '** that nickname was refused; type another one');
  other.type('ben2');
  await other.waitFor((line) => line === '[lobby] -- ben2 joined');
  other.type('made it');
  await ben.waitFor((line) => line === '[lobby] <ben2> made it');
  other.child.stdin!.end();
  assert.equal(await other.exitCode(), 0);
});

test('a lost server is reported and retried; on its return the client re-joins its rooms', { timeout: 18_000 }, async (t) => {
  let server = await startTestServer();
  t.after(() => server.close());
  const port = server.port;
  const ann = new ClientProcess(t, ['--nick', 'ann', '--port', String(port), '--retry-base-ms', '50', '--retry-max-ms', '200']);
  await ann.waitFor((line) => line === '[lobby] -- ann joined');
  ann.type('/join dev');
  ann.type('/join ops');
  ann.type('/switch dev');
  await ann.waitFor((line) => line === '-- Your current room is dev.');

  const lost = ann.lines.length;
  await server.close();
  await ann.waitFor((line) => line.startsWith(`** lost the connection to 127.0.0.1:${port}`), lost);
  // Past --connect-tries (4 by default): once a session was had, the client never gives up.
  await ann.waitFor((line) => line === `** reconnecting to 127.0.0.1:${port} (attempt 5)`, lost);
  await ann.waitFor((line) => line.startsWith(`** could not connect to 127.0.0.1:${port} (ECONNREFUSED); retrying in`), lost);
  ann.type('typed while offline');

  server = await startTestServer({ port });
  const back = ann.lines.length;
  await ann.waitFor((line) => line === '-- Hello ann. You are in lobby; /help lists the commands.', back);
  await ann.waitFor((line) => line === '[dev] -- ann joined', back);
  await ann.waitFor((line) => line === '[ops] -- ann joined', back);
  await ann.waitFor((line) => line === '-- Your current room is dev.', back);
  // The line typed during the outage went to dev, the current room again, after the re-joins.
  await ann.waitFor((line) => line === '[dev] <ann> typed while offline', back);

  const ben = await LineClient.joined(port, 'ben');
  ben.send('/who dev');
  assert.equal(await ben.waitFor((line) => line.startsWith('-- dev')), '-- dev (1): ann');
  ben.close();

  ann.child.stdin!.end();
  assert.equal(await ann.exitCode(), 0);
});

test('quitting while the server is unreachable exits 0 at once', { timeout: 10_000 }, async (t) => {
  const server = await startTestServer();
  const port = server.port;
  await server.close();
  const ann = new ClientProcess(t, ['--nick', 'ann', '--port', String(port), '--retry-base-ms', '2000']);
  await ann.waitFor((line) => line.startsWith(`** could not connect to 127.0.0.1:${port} (ECONNREFUSED)`));
  const started = Date.now();
  ann.child.stdin!.end();
  assert.equal(await ann.exitCode(), 0);
  assert.ok(Date.now() - started < 1500, 'did not wait out the retry delay');
});

test('a port where nothing ever listened: a few tries, then a clear message and exit 1', { timeout: 10_000 }, async (t) => {
  const server = await startTestServer();
  const port = server.port;
  await server.close();
  const ann = new ClientProcess(t, ['--nick', 'ann', '--port', String(port), '--retry-base-ms', '20', '--retry-max-ms', '40']);
  assert.equal(await ann.exitCode(), 1);
  const tries = ann.lines.filter((line) => line.startsWith(`** could not connect to 127.0.0.1:${port} (ECONNREFUSED); retrying`));
  assert.equal(tries.length, 3, 'four tries: three retried, the last one gives up');
  assert.equal(
    ann.lines.at(-1),
    `stderr: roomcast-client: could not connect to 127.0.0.1:${port}: ECONNREFUSED (nothing listens there: is the server running, and are the host and port right?)\n`,
  );
});

test('the nickname question is still asked after the given nick was refused', { timeout: 15_000 }, async (t) => {
  const server = await startTestServer();
  t.after(() => server.close());
  const ben = await LineClient.joined(server.port, 'ben');
  t.after(() => ben.close());
  const other = new ClientProcess(t, ['--nick', 'ben', '--port', String(server.port)]);
  await other.waitFor((line) => line.startsWith('!! NICK_TAKEN'));
  const question = await other.waitFor((line) => line.includes('Choose a nickname'));
  assert.equal(other.lines.filter((line) => line.includes('Choose a nickname')).length, 1, `only after the refusal: ${question}`);
  other.child.stdin!.end();
  assert.equal(await other.exitCode(), 0);
});

test('history shows each line at its own time, marked; /join says where plain lines go now', { timeout: 15_000 }, async (t) => {
  const server = await startTestServer();
  t.after(() => server.close());
  const ben = await LineClient.joined(server.port, 'ben');
  t.after(() => ben.close());
  ben.send('/join dev');
  ben.send('said before ann came');
  await ben.waitFor((line) => line === '[dev] <ben> said before ann came');

  const ann = new ClientProcess(t, ['--nick', 'ann', '--port', String(server.port)]);
  await ann.waitFor((line) => line === '[lobby] -- ann joined');
  ann.type('/join dev');
  await ann.waitFor((line) => line === '** plain lines now go to [dev]');
  await ann.waitFor((line) => line === '-- the last 2 messages of dev (earlier, local times):');
  await ann.waitFor((line) => line === '[dev] <ben> said before ann came');
  assert.deepEqual(
    ann.timed.filter((line) => line.includes('(history) [dev]')).map((line) => line.replace(/^\d\d:\d\d/, 'HH:MM')),
    ['HH:MM (history) [dev] -- ben joined', 'HH:MM (history) [dev] <ben> said before ann came'],
  );
  ann.type('now in dev');
  await ben.waitFor((line) => line === '[dev] <ann> now in dev');
  ann.child.stdin!.end();
  assert.equal(await ann.exitCode(), 0);
});

test('/r answers the last private message; /query sends plain lines privately until /query alone', { timeout: 15_000 }, async (t) => {
  const server = await startTestServer();
  t.after(() => server.close());
  const ben = await LineClient.joined(server.port, 'ben');
  t.after(() => ben.close());
  const ann = new ClientProcess(t, ['--nick', 'ann', '--port', String(server.port)]);
  await ann.waitFor((line) => line === '[lobby] -- ann joined');
  ben.send('/msg ann psst');
  await ann.waitFor((line) => line === '[pm] <ben> psst');
  ann.type('/r got it');
  await ben.waitFor((line) => line === '[pm] <ann> got it');

  ann.type('/query ben');
  ann.type('just between us');
  await ben.waitFor((line) => line === '[pm] <ann> just between us');
  await ann.waitFor((line) => line === '[pm -> ben] <ann> just between us');
  ann.type('/query');
  ann.type('for the room');
  await ben.waitFor((line) => line === '[lobby] <ann> for the room');
  assert.equal(ben.lines.filter((line) => line.startsWith('[lobby] <ann>')).length, 1, 'nothing private went to the room');
  ann.child.stdin!.end();
  assert.equal(await ann.exitCode(), 0);
});

test('speaks TLS, verified with --ca; without the CA it says why it cannot connect', { timeout: 20_000 }, async (t) => {
  const certificate = makeSelfSignedCertificate();
  t.after(() => certificate.remove());
  const server = await startTestServer({ tlsPort: 0, tlsCertFile: certificate.certFile, tlsKeyFile: certificate.keyFile });
  t.after(() => server.close());
  const tlsPort = String(server.server.tlsAddress!.port);
  const ben = await LineClient.joined(server.port, 'ben');
  t.after(() => ben.close());

  const ann = new ClientProcess(t, ['--nick', 'ann', '--tls', '--ca', certificate.certFile, '--port', tlsPort]);
  await ann.waitFor((line) => line === '[lobby] -- ann joined');
  ann.type('over TLS');
  await ben.waitFor((line) => line === '[lobby] <ann> over TLS');
  ben.send('hi secure ann');
  await ann.waitFor((line) => line === '[lobby] <ben> hi secure ann');
  ann.child.stdin!.end();
  assert.equal(await ann.exitCode(), 0);

  // An untrusted certificate is not retried: it would not be trusted the next time either.
  const untrusting = new ClientProcess(t, ['--nick', 'cy', '--tls', '--port', tlsPort]);
  assert.equal(await untrusting.exitCode(), 1);
  assert.equal(untrusting.lines.length, 1, untrusting.lines.join('\n'));
  assert.match(
    untrusting.lines.at(-1)!,
    new RegExp(`^stderr: roomcast-client: could not connect to 127\\.0\\.0\\.1:${tlsPort}: \\S*SELF_SIGNED\\S* \\(.*--ca FILE\\)`),
  );

  const plainToTls = new ClientProcess(t, ['--nick', 'dora', '--tls', '--port', String(server.port), '--connect-tries', '1']);
  assert.equal(await plainToTls.exitCode(), 1);
  assert.match(plainToTls.lines.at(-1)!, /is that port a TLS listener\?/);
});

/** A terminal for the client: a detached tmux session on a server of its own, read with capture-pane. */
class TmuxTerminal {
  readonly #socket = `roomcast-test-${process.pid}`;

  constructor(t: TestContext, command: string[]) {
    this.#tmux('-f', '/dev/null', 'new-session', '-d', '-x', '120', '-y', '40', '--', ...command);
    t.after(() => this.#tmux('kill-server'));
  }

  /** What the screen shows, one string per row, trailing blanks dropped. */
  screen(): string[] {
    return this.#tmux('capture-pane', '-p')
      .split('\n')
      .map((row) => row.trimEnd());
  }

  keys(...keys: string[]): void {
    this.#tmux('send-keys', ...keys);
  }

  bellRang(): boolean {
    return this.#tmux('display-message', '-p', '#{window_bell_flag}').trim() === '1';
  }

  async waitForScreen(match: (rows: string[]) => boolean, timeoutMs = 8000): Promise<string[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const rows = this.screen();
      if (match(rows)) return rows;
      if (Date.now() > deadline) throw new Error(`the screen never matched; it shows:\n${rows.join('\n')}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  #tmux(...args: string[]): string {
    return execFileSync('tmux', ['-L', this.#socket, ...args], { encoding: 'utf8' });
  }
}

test('on a terminal your own line shows once, commands stay visible, Tab completes, and a mention rings the bell', {
  // tmux is a real terminal for the client; .ci/run installs it where it is missing.
  timeout: 20_000,
}, async (t) => {
  const server = await startTestServer();
  t.after(() => server.close());
  const ben = await LineClient.joined(server.port, 'ben');
  t.after(() => ben.close());
  const screen = new TmuxTerminal(t, [process.execPath, clientScript, '--nick', 'ann', '--port', String(server.port)]);
  await screen.waitForScreen((rows) => rows.some((row) => row.endsWith('[lobby] -- ann joined')));
  assert.ok(!screen.screen().some((row) => row.includes('Choose a nickname')), 'the nick was given: no question');

  screen.keys('hello from a terminal', 'Enter');
  await ben.waitFor((line) => line === '[lobby] <ann> hello from a terminal');
  const rows = await screen.waitForScreen((shown) => shown.some((row) => row.endsWith('[lobby] <ann> hello from a terminal')));
  assert.equal(rows.filter((row) => row.includes('hello from a terminal')).length, 1, rows.join('\n'));

  // Tab: "b" is ben, known from the lobby's history; at the start of a line a nick gets a colon. Each
  // Tab is sent on its own: readline takes a Tab inside a chunk of typing for pasted text, not completion.
  screen.keys('b');
  screen.keys('Tab');
  await screen.waitForScreen((shown) => shown.includes('[lobby]> ben:'));
  screen.keys('are you there?', 'Enter');
  await ben.waitFor((line) => line === '[lobby] <ann> ben: are you there?');

  screen.keys('/jo');
  screen.keys('Tab');
  await screen.waitForScreen((shown) => shown.includes('[lobby]> /join'));
  screen.keys('dev', 'Enter');
  await screen.waitForScreen((shown) => shown.some((row) => row.endsWith('** plain lines now go to [dev]')));
  assert.ok(screen.screen().includes('[lobby]> /join dev'), 'a command stays on the screen as typed');
  await screen.waitForScreen((shown) => shown.at(-1) === '' && shown.includes('[dev]>'));

  assert.equal(screen.bellRang(), false);
  ben.send('Ann: look');
  await screen.waitForScreen((shown) => shown.some((row) => row.endsWith('[lobby] <ben> Ann: look')));
  assert.equal(screen.bellRang(), true, 'the mention rang the bell');
});
