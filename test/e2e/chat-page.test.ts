// The chat page in a real headless Chromium against the real server's browser door: pages and line
// clients chat in the same rooms, a page comes back by itself after the server restarts, and the
// WebSocket refuses what it must (other origins, bad frames) without harm to anyone else.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { type AddressInfo, createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser } from '../helpers/browser.ts';
import { spawnServer } from '../../harness/server-process.ts';
import { LineClient } from '../helpers/line-client.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';
import { waitUntil } from '../helpers/wait-until.ts';
import { WebSocket } from 'ws';
import { maxFrameBytes } from '../../src/protocol/websocket-messages.ts';

let browser: Browser;
before(async () => {
  browser = await launchBrowser();
});
after(() => browser.close());

/** Where the screenshots go: ROOMCAST_SCREENSHOT_DIR (e.g. docs, to update the README's), or a temporary directory. */
function screenshotDirectory(): { path: string; remove(): void } {
  const chosen = process.env.ROOMCAST_SCREENSHOT_DIR;
  if (chosen !== undefined && chosen !== '') return { path: chosen, remove: () => {} };
  const path = mkdtempSync(join(tmpdir(), 'roomcast-screens-'));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

const waitTimeoutMs = 10_000;

const messageLine = (page: Page, text: string) => page.locator('#messages li', { hasText: text });

async function enter(page: Page, port: number, nick: string): Promise<void> {
  await page.goto(`http://127.0.0.1:${port}/`);
  // By keyboard: the nick field has the focus when the page opens, Enter submits.
  await page.keyboard.type(nick);
  await page.keyboard.press('Enter');
  await page
    .getByRole('status')
    .filter({ hasText: `Connected as ${nick}` })
    .waitFor({ timeout: waitTimeoutMs });
}

/** Types a line into the message box, whichever room or chat it is for, and sends it with Enter. */
async function say(page: Page, text: string): Promise<void> {
  const box = page.getByRole('textbox', { name: /^Message / });
  await box.fill(text);
  await box.press('Enter');
}

/** Collects what must never happen: a request to another origin, a CSP violation, a script error. */
function watchForProblems(page: Page, port: number, problems: string[]): void {
  page.on('request', (request) => {
    if (!request.url().startsWith(`http://127.0.0.1:${port}/`) && !request.url().startsWith(`ws://127.0.0.1:${port}/`)) {
      problems.push(`request to ${request.url()}`);
    }
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) problems.push(`CSP: ${message.text()}`);
  });
}

const connectionOf = (page: Page) => page.locator('body').getAttribute('data-connection');

/** A port free right now, for a server that must come back on the same one. */
async function freePort(): Promise<number> {
  const probe = createNetServer().listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/** The lobby's messages as a page shows them, in order: the text of every entry holding one of `texts`. */
async function shownInOrder(page: Page, texts: readonly string[]): Promise<string[]> {
  const entries = await page.locator('#messages li').allTextContents();
  return entries.flatMap((entry) => texts.filter((text) => entry.includes(text)));
}

test('two pages and a line client chat in one room, see one order, and the pages come back after a restart', {
  timeout: 120_000,
}, async (t) => {
  // A child process on a fixed HTTP port: the pages reconnect to the same address after the restart.
  const httpPort = await freePort();
  let server = await spawnServer(['--http-port', String(httpPort), '--no-irc']);
  t.after(() => server.stop());
  const screens = screenshotDirectory();
  t.after(() => screens.remove());

  // Carol, on the line protocol, spoke before the pages came: her line is their history on join.
  let carol = await LineClient.joined(server.port, 'carol');
  t.after(() => carol.close());
  carol.send('anyone around later?');
  await carol.waitFor((line) => line === '[lobby] <carol> anyone around later?');

  const desktop = await (await browser.newContext({ viewport: { width: 1280, height: 720 } })).newPage();
  const phone = await (await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true })).newPage();
  const problems: string[] = [];
  for (const page of [desktop, phone]) watchForProblems(page, httpPort, problems);

  await enter(desktop, httpPort, 'alice');
  await enter(phone, httpPort, 'bob');

  // History on join: carol's earlier line, marked, with its (local) time.
  const earlier = messageLine(desktop, 'anyone around later?');
  await earlier.waitFor({ timeout: waitTimeoutMs });
  assert.match((await earlier.getAttribute('class')) ?? '', /entry-history/);
  assert.match((await earlier.textContent()) ?? '', /history/i);

  await say(desktop, 'hello from alice');
  await say(phone, '/me waves back');
  carol.send('hi both');
  for (const page of [desktop, phone]) {
    const line = messageLine(page, 'hello from alice');
    await line.waitFor({ timeout: waitTimeoutMs });
    const sentAt = Date.parse((await line.locator('time').getAttribute('datetime')) ?? '');
    assert.ok(Math.abs(Date.now() - sentAt) < 60_000, 'the line carries the time it was sent');
    assert.match((await line.locator('time').textContent()) ?? '', /\d{1,2}:\d{2}/);
    assert.doesNotMatch((await line.getAttribute('class')) ?? '', /entry-history/);
    await messageLine(page, '* bob waves back').waitFor({ timeout: waitTimeoutMs });
    await messageLine(page, 'hi both').waitFor({ timeout: waitTimeoutMs });
  }
  // One order for the room: both pages and the line client see the three lines in the same sequence.
  const said = ['hello from alice', 'waves back', 'hi both'];
  await carol.waitFor((line) => line === '[lobby] <carol> hi both');
  await carol.waitFor((line) => line === '[lobby] * bob waves back');
  await carol.waitFor((line) => line === '[lobby] <alice> hello from alice');
  const carolOrder = carol.lines.flatMap((line) => (line.startsWith('[lobby]') ? said.filter((text) => line.endsWith(text)) : []));
  assert.equal(carolOrder.length, 3);
  assert.deepEqual(await shownInOrder(desktop, said), carolOrder);
  assert.deepEqual(await shownInOrder(phone, said), carolOrder);
  // The members of the room, on the desktop's side panel: the line client is one of them.
  await desktop.locator('#members li', { hasText: 'carol' }).waitFor({ timeout: waitTimeoutMs });
  await desktop.getByRole('button', { name: '#lobby, 3 members' }).waitFor({ timeout: waitTimeoutMs });

  await desktop.screenshot({ path: join(screens.path, 'browser.png') });
  await phone.screenshot({ path: join(screens.path, 'browser-phone.png') });

  // The server stops: both pages say so, and nobody can type into the void.
  assert.equal(await server.stop(), 0);
  for (const page of [desktop, phone]) {
    await page
      .getByRole('status')
      .filter({ hasText: /Offline\. Reconnecting in \d+ s/ })
      .waitFor({ timeout: waitTimeoutMs });
    assert.equal(await connectionOf(page), 'offline');
    assert.ok(await page.getByRole('textbox', { name: 'Message #lobby', exact: true }).isDisabled());
    await messageLine(page, 'Connection lost at').waitFor({ timeout: waitTimeoutMs });
  }
  await desktop.screenshot({ path: join(screens.path, 'browser-offline.png') });

  // It comes back on the same port: both pages reconnect by themselves, with their nicks, and chat on.
  server = await spawnServer(['--http-port', String(httpPort), '--no-irc']);
  for (const [page, nick] of [
    [desktop, 'alice'],
    [phone, 'bob'],
  ] as const) {
    await page
      .getByRole('status')
      .filter({ hasText: `Connected as ${nick}` })
      .waitFor({ timeout: 30_000 });
    await messageLine(page, 'Reconnected at').waitFor({ timeout: waitTimeoutMs });
  }
  carol.close();
  carol = await LineClient.joined(server.port, 'carol');
  await say(phone, 'back again');
  await messageLine(desktop, 'back again').waitFor({ timeout: waitTimeoutMs });
  await carol.waitFor((line) => line === '[lobby] <bob> back again');

  assert.deepEqual(problems, []);
});

/** The browser door's port of an in-process server. */
const httpPortOf = (server: TestServer) => server.server.httpAddress!.port;

test('rooms, private messages, nick changes, errors and quitting, all from the page', { timeout: 60_000 }, async (t) => {
  const server = await startTestServer();
  const port = httpPortOf(server);
  t.after(() => server.close());
  const alice = await (await browser.newContext()).newPage();
  const dave = await (await browser.newContext()).newPage();
  const problems: string[] = [];
  for (const page of [alice, dave]) watchForProblems(page, port, problems);
  const visible = (page: Page, selector: string, text: string | RegExp) =>
    page.locator(selector, { hasText: text }).waitFor({ timeout: waitTimeoutMs });

  await enter(alice, port, 'alice');
  // A taken nick is refused with the server's sentence, and the page asks again on the same connection.
  await dave.goto(`http://127.0.0.1:${port}/`);
  await dave.keyboard.type('ALICE');
  await dave.keyboard.press('Enter');
  await dave.getByRole('alert').filter({ hasText: 'The nickname "ALICE" is already in use.' }).waitFor({ timeout: waitTimeoutMs });
  await dave.getByRole('textbox', { name: 'Nickname', exact: true }).fill('dave');
  await dave.keyboard.press('Enter');
  await dave.getByRole('status').filter({ hasText: 'Connected as dave' }).waitFor({ timeout: waitTimeoutMs });

  // Joining from the side panel and by typing /join both make the room current.
  const joinBox = alice.getByRole('textbox', { name: 'Join a room' });
  await joinBox.fill('#Rust');
  await joinBox.press('Enter');
  await alice.getByRole('heading', { name: '#rust' }).waitFor({ timeout: waitTimeoutMs });
  await say(dave, '/join rust');
  await dave.getByRole('heading', { name: '#rust' }).waitFor({ timeout: waitTimeoutMs });
  await visible(alice, '#messages li', 'dave joined');
  await visible(alice, '#members li', 'dave');
  await say(dave, 'hi rust');
  await visible(alice, '#messages li', 'hi rust');
  assert.match((await alice.locator('#announcer').textContent()) ?? '', /dave in rust: hi rust/);

  // Switching rooms shows each room's own lines.
  await alice.getByRole('button', { name: /^#lobby, \d+ members$/ }).click();
  await alice.getByRole('heading', { name: '#lobby' }).waitFor({ timeout: waitTimeoutMs });
  assert.equal(await alice.locator('#messages li', { hasText: 'hi rust' }).count(), 0);

  // The room list, with member counts.
  await alice.getByText('All rooms').click();
  await alice.getByRole('button', { name: 'Refresh' }).click();
  await alice.getByRole('button', { name: 'Join #rust, 2 members' }).waitFor({ timeout: waitTimeoutMs });

  // Private messages open a chat of their own on both sides.
  await say(alice, '/msg dave psst');
  await dave.getByRole('button', { name: 'Private chat with alice' }).click();
  await visible(dave, '#messages li', 'psst');
  await say(dave, 'hey you');
  await alice.getByRole('button', { name: 'Private chat with dave' }).click();
  await visible(alice, '#messages li', 'hey you');

  // An unknown command is answered with the catalogue's sentence, shown as an error.
  await say(alice, '/frobnicate');
  await visible(alice, '#messages li.entry-error', 'Unknown command "/frobnicate"');

  // Leaving a room: the page shows the room still held; the others see the part.
  await dave.getByRole('button', { name: /^#rust, / }).click();
  await dave.getByRole('button', { name: 'Leave #rust' }).click();
  await dave.getByRole('heading', { name: '#lobby' }).waitFor({ timeout: waitTimeoutMs });
  await alice.getByRole('button', { name: /^#rust, / }).click();
  await visible(alice, '#messages li', 'dave left');

  // A new nick, seen by the room; then /quit closes for good: no reconnecting by itself.
  await say(dave, '/nick davey');
  await dave.getByRole('status').filter({ hasText: 'Connected as davey' }).waitFor({ timeout: waitTimeoutMs });
  await alice.getByRole('button', { name: /^#lobby, / }).click();
  await visible(alice, '#messages li', 'dave is now known as davey');
  await say(dave, '/quit lunch');
  await dave.getByRole('status').filter({ hasText: 'Disconnected' }).waitFor({ timeout: waitTimeoutMs });
  await visible(alice, '#messages li', 'davey quit (lunch)');
  assert.ok(await dave.getByRole('button', { name: 'Reconnect now' }).isVisible());

  assert.deepEqual(problems, []);
});

test('a page from another origin cannot open the WebSocket; the chat page itself can', async (t) => {
  const server = await startTestServer();
  const port = httpPortOf(server);
  t.after(() => server.close());
  const elsewhere = createServer((_request, response) =>
    response.writeHead(200, { 'Content-Type': 'text/html' }).end('<!doctype html><title>elsewhere</title>'),
  );
  elsewhere.listen(0, '127.0.0.1');
  await once(elsewhere, 'listening');
  t.after(() => {
    elsewhere.closeAllConnections();
    elsewhere.close();
  });
  const page = await (await browser.newContext()).newPage();
  const tryWebSocket = (url: string) =>
    page.evaluate(
      (target) =>
        new Promise<string>((resolve) => {
          const socket = new WebSocket(target);
          socket.onopen = () => {
            socket.close();
            resolve('open');
          };
          socket.onerror = () => resolve('refused');
        }),
      url,
    );
  const chat = `ws://127.0.0.1:${port}/ws`;

  await page.goto(`http://127.0.0.1:${(elsewhere.address() as AddressInfo).port}/`);
  assert.equal(await tryWebSocket(chat), 'refused');
  await page.goto(`http://127.0.0.1:${port}/`);
  assert.equal(await tryWebSocket(chat), 'open');
});

test('a page cannot take a line client nick; pages and line clients message each other privately', { timeout: 60_000 }, async (t) => {
  const server = await startTestServer();
  const port = httpPortOf(server);
  t.after(() => server.close());
  const erin = await LineClient.joined(server.port, 'erin');
  t.after(() => erin.close());
  const page = await (await browser.newContext()).newPage();
  const problems: string[] = [];
  watchForProblems(page, port, problems);

  await page.goto(`http://127.0.0.1:${port}/`);
  await page.keyboard.type('Erin');
  await page.keyboard.press('Enter');
  await page.getByRole('alert').filter({ hasText: 'The nickname "Erin" is already in use.' }).waitFor({ timeout: waitTimeoutMs });
  await page.getByRole('textbox', { name: 'Nickname', exact: true }).fill('frank');
  await page.keyboard.press('Enter');
  await page.getByRole('status').filter({ hasText: 'Connected as frank' }).waitFor({ timeout: waitTimeoutMs });
  // And the other way round: the line client cannot take the page's nick.
  erin.send('/nick FRANK');
  await erin.waitFor((line) => line.startsWith('!! NICK_TAKEN'));

  await say(page, '/msg erin from the browser');
  await erin.waitFor((line) => line === '[pm] <frank> from the browser');
  erin.send('/msg frank from the terminal');
  await page.getByRole('button', { name: 'Private chat with erin' }).click();
  await messageLine(page, 'from the terminal').waitFor({ timeout: waitTimeoutMs });
  assert.deepEqual(problems, []);
});

test('bad WebSocket input is answered or refused, and the server chats on', { timeout: 30_000 }, async (t) => {
  const server = await startTestServer({ maxLineBytes: 256, httpOrigins: ['https://chat.example.org'] });
  const port = httpPortOf(server);
  t.after(() => server.close());
  const url = `ws://127.0.0.1:${port}/ws`;
  const open = async (origin?: string) => {
    const socket = new WebSocket(url, origin === undefined ? {} : { origin });
    socket.on('error', () => {});
    const received: { type: string; code?: string }[] = [];
    socket.on('message', (data) => received.push(JSON.parse(data.toString())));
    const outcome = await new Promise<string>((resolve) => {
      socket.on('open', () => resolve('open'));
      socket.on('unexpected-response', (_request, response) => resolve(String(response.statusCode)));
    });
    t.after(() => socket.terminate());
    return { socket, received, outcome };
  };
  const until = (received: { type: string; code?: string }[], count: number) =>
    waitUntil(() => received.length >= count, waitTimeoutMs, `${count} messages`);

  assert.equal((await open('http://evil.example')).outcome, '403');
  assert.equal((await open('https://chat.example.org')).outcome, 'open', 'an origin given with --http-origin');

  const { socket, received } = await open();
  socket.send('not json');
  socket.send(Buffer.from([0xde, 0xad]), { binary: true });
  socket.send(JSON.stringify({ type: 'say', room: 'lobby', text: 'too early' }));
  socket.send(JSON.stringify({ type: 'hello', nick: 'grace' }));
  await until(received, 5);
  assert.deepEqual(
    received.slice(0, 4).map((message) => message.code ?? message.type),
    ['BAD_MESSAGE', 'BAD_MESSAGE', 'TOO_EARLY', 'welcome'],
  );
  socket.send(JSON.stringify({ type: 'say', room: 'lobby', text: 'x'.repeat(257) }));
  socket.send(JSON.stringify({ type: 'say', room: 'nowhere', text: 'hi' }));
  await waitUntil(() => received.some((message) => message.code === 'NOT_IN_ROOM'), waitTimeoutMs, 'NOT_IN_ROOM');
  assert.ok(received.some((message) => message.code === 'LINE_TOO_LONG'));

  // A frame over the bound closes this connection with 1009, unread; nobody else notices.
  const henry = await LineClient.joined(server.port, 'henry');
  t.after(() => henry.close());
  socket.send('x'.repeat(maxFrameBytes(256) + 1));
  const [code] = await once(socket, 'close', { signal: AbortSignal.timeout(waitTimeoutMs) });
  assert.equal(code, 1009);
  await henry.waitFor((line) => line.startsWith('[lobby] -- grace quit'));
  henry.send('still here');
  await henry.waitFor((line) => line === '[lobby] <henry> still here');
});
