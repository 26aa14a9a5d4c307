// The chat page in a real headless Chromium, against a stand-in for the server's browser door
// (test/helpers/stand-in-chat-server.ts: the page's static files and a small WebSocket chat speaking
// docs/websocket.md). It proves the page and the browser harness before the server itself serves HTTP.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser } from '../helpers/browser.ts';
import { startStandInServer } from '../helpers/stand-in-chat-server.ts';

/** Carol's line is in the lobby's history, the same after a restart (as if the history had been kept). */
const lobbyHistory = [
  { room: 'lobby', seq: 1, kind: 'say' as const, nick: 'carol', text: 'anyone around later?', timeMs: Date.now() - 3_600_000 },
];

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

test('two pages chat in a room, see the history marked, go offline when the server dies and come back', { timeout: 90_000 }, async (t) => {
  let standIn = await startStandInServer(0, lobbyHistory);
  const port = standIn.port;
  t.after(() => standIn.kill());
  const screens = screenshotDirectory();
  t.after(() => screens.remove());

  const desktop = await (await browser.newContext({ viewport: { width: 1280, height: 720 } })).newPage();
  const phone = await (await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true })).newPage();
  const problems: string[] = [];
  for (const page of [desktop, phone]) watchForProblems(page, port, problems);

  await enter(desktop, port, 'alice');
  await enter(phone, port, 'bob');

  // History on join: carol's earlier line, marked, with its (local) time.
  const earlier = messageLine(desktop, 'anyone around later?');
  await earlier.waitFor({ timeout: waitTimeoutMs });
  assert.match((await earlier.getAttribute('class')) ?? '', /entry-history/);
  assert.match((await earlier.textContent()) ?? '', /history/i);

  await say(desktop, 'hello from alice');
  await say(phone, '/me waves back');
  for (const page of [desktop, phone]) {
    const line = messageLine(page, 'hello from alice');
    await line.waitFor({ timeout: waitTimeoutMs });
    const sentAt = Date.parse((await line.locator('time').getAttribute('datetime')) ?? '');
    assert.ok(Math.abs(Date.now() - sentAt) < 60_000, 'the line carries the time it was sent');
    assert.match((await line.locator('time').textContent()) ?? '', /\d{1,2}:\d{2}/);
    assert.doesNotMatch((await line.getAttribute('class')) ?? '', /entry-history/);
    await messageLine(page, '* bob waves back').waitFor({ timeout: waitTimeoutMs });
  }
  // The members of the room, on the desktop's side panel.
  await desktop.locator('#members li', { hasText: 'bob' }).waitFor({ timeout: waitTimeoutMs });
  await desktop.getByRole('button', { name: '#lobby, 2 members' }).waitFor({ timeout: waitTimeoutMs });

  await desktop.screenshot({ path: join(screens.path, 'browser.png') });
  await phone.screenshot({ path: join(screens.path, 'browser-phone.png') });

  // The server dies: both pages say so, and nobody can type into the void.
  await standIn.kill();
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
  standIn = await startStandInServer(port, lobbyHistory);
  for (const [page, nick] of [
    [desktop, 'alice'],
    [phone, 'bob'],
  ] as const) {
    await page
      .getByRole('status')
      .filter({ hasText: `Connected as ${nick}` })
      .waitFor({ timeout: waitTimeoutMs });
    await messageLine(page, 'Reconnected at').waitFor({ timeout: waitTimeoutMs });
  }
  await say(phone, 'back again');
  await messageLine(desktop, 'back again').waitFor({ timeout: waitTimeoutMs });
  // The history batch after the reconnect repeats carol's line: it is shown once.
  assert.equal(await messageLine(desktop, 'anyone around later?').count(), 1);

  assert.deepEqual(problems, []);
});

test('rooms, private messages, nick changes, errors and quitting, all from the page', { timeout: 60_000 }, async (t) => {
  const standIn = await startStandInServer(0);
  const port = standIn.port;
  t.after(() => standIn.kill());
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
  const standIn = await startStandInServer(0);
  t.after(() => standIn.kill());
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
  const chat = `ws://127.0.0.1:${standIn.port}/ws`;

  await page.goto(`http://127.0.0.1:${(elsewhere.address() as AddressInfo).port}/`);
  assert.equal(await tryWebSocket(chat), 'refused');
  await page.goto(`http://127.0.0.1:${standIn.port}/`);
  assert.equal(await tryWebSocket(chat), 'open');
});
