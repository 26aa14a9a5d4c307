// The chat page in a real headless Chromium, against a stand-in for the server's browser door: a plain
// node:http server with the page's static files and a small WebSocket chat speaking docs/websocket.md
// through src/protocol/websocket-messages.ts (welcome, join with a history batch, room events, members).
// It proves the page and the browser harness before the server itself serves HTTP.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import { type WebSocket, WebSocketServer } from 'ws';
import {
  encodeServerMessage,
  errorMessage,
  maxFrameBytes,
  parseClientMessage,
  type RoomEvent,
  type ServerMessage,
  serverMessage,
} from '../../src/protocol/websocket-messages.ts';
import { isAllowedOrigin } from '../../src/web/origin-check.ts';
import { loadWebFiles, respondStatic } from '../../src/web/static-files.ts';
import { launchBrowser } from '../helpers/browser.ts';

const maxLineBytes = 4096;
const files = loadWebFiles();

interface StandIn {
  port: number;
  /** Like a server that dies: every connection dropped without a close frame, the port closed. */
  kill(): Promise<void>;
}

/** Carol's line is in the lobby's history, the same after a restart (as if the history had been kept). */
const carolSaidAtMs = Date.now() - 3_600_000;

/** One room (lobby), one earlier message in its history, nicks unique. */
async function startStandIn(port: number): Promise<StandIn> {
  const members = new Map<WebSocket, string>();
  const history: RoomEvent[] = [{ seq: 1, time: carolSaidAtMs, from: 'carol', kind: 'say', text: 'anyone around later?' }];
  let seq = 1;
  const broadcast = (kind: RoomEvent['kind'], from: string, text: string) => {
    const event: RoomEvent = { seq: ++seq, time: Date.now(), from, kind, text };
    const frame = encodeServerMessage(serverMessage.event('lobby', event));
    for (const socket of members.keys()) socket.send(frame);
  };
  const reply = (socket: WebSocket, message: ServerMessage) => socket.send(encodeServerMessage(message));

  const wss = new WebSocketServer({ noServer: true, maxPayload: maxFrameBytes(maxLineBytes), perMessageDeflate: false });
  wss.on('connection', (socket) => {
    socket.on('message', (data, isBinary) => {
      const parsed = isBinary ? undefined : parseClientMessage(data.toString(), maxLineBytes);
      if (parsed === undefined) return reply(socket, errorMessage('BAD_MESSAGE', 'binary frame'));
      if (!parsed.ok) return reply(socket, parsed.error);
      const message = parsed.message;
      const nick = members.get(socket);
      if (message.type === 'hello') {
        if ([...members.values()].some((held) => held.toLowerCase() === message.nick.toLowerCase())) {
          return reply(socket, errorMessage('NICK_TAKEN', message.nick));
        }
        members.set(socket, message.nick);
        reply(socket, serverMessage.welcome(message.nick, 'lobby', maxLineBytes));
        reply(socket, serverMessage.joined('lobby'));
        reply(socket, serverMessage.history('lobby', history));
        return broadcast('join', message.nick, '');
      }
      if (nick === undefined) return reply(socket, errorMessage('TOO_EARLY'));
      switch (message.type) {
        case 'say':
        case 'me':
          return broadcast(message.type, nick, message.text);
        case 'command':
          if (message.command.kind === 'say' || message.command.kind === 'me')
            return broadcast(message.command.kind, nick, message.command.text);
          return reply(socket, serverMessage.info(['The stand-in server knows only say and /me.']));
        case 'who':
          return reply(socket, serverMessage.members('lobby', [...members.values()]));
        case 'rooms':
          return reply(socket, serverMessage.rooms([{ room: 'lobby', members: members.size }]));
        default:
          return reply(socket, errorMessage('UNKNOWN_COMMAND', message.type));
      }
    });
    socket.on('close', () => {
      const nick = members.get(socket);
      members.delete(socket);
      if (nick !== undefined) broadcast('quit', nick, '');
    });
  });

  const http: Server = createServer((request, response) => {
    const answer = respondStatic(files, request.method ?? 'GET', request.url ?? '/', request.headers['if-none-match']);
    response.writeHead(answer.status, answer.headers).end(answer.body);
  });
  http.on('upgrade', (request, socket, head) => {
    if (request.url !== '/ws' || !isAllowedOrigin(request.headers.origin, request.headers.host, [])) {
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws) => wss.emit('connection', ws, request));
  });
  http.listen(port, '127.0.0.1');
  await once(http, 'listening');
  return {
    port: (http.address() as AddressInfo).port,
    async kill() {
      for (const socket of members.keys()) socket.terminate();
      for (const socket of wss.clients) socket.terminate();
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
      wss.close();
    },
  };
}

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

async function say(page: Page, text: string): Promise<void> {
  const box = page.getByRole('textbox', { name: 'Message #lobby', exact: true });
  await box.fill(text);
  await box.press('Enter');
}

const connectionOf = (page: Page) => page.locator('body').getAttribute('data-connection');

test('two pages chat in a room, see the history marked, go offline when the server dies and come back', { timeout: 90_000 }, async (t) => {
  let standIn = await startStandIn(0);
  const port = standIn.port;
  t.after(() => standIn.kill());
  const browser = await launchBrowser();
  t.after(() => browser.close());
  const screens = screenshotDirectory();
  t.after(() => screens.remove());

  const desktop = await (await browser.newContext({ viewport: { width: 1280, height: 720 } })).newPage();
  const phone = await (await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true })).newPage();
  // Nothing may leave for another origin, the CSP must not have had to block anything, and no script may fail.
  const problems: string[] = [];
  for (const page of [desktop, phone]) {
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
  standIn = await startStandIn(port);
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
