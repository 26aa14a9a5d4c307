// The IRC door against a real IRC client library (irc-framework) and raw IRC lines, on a real server
// whose line protocol clients share its rooms and nicks: registration with CAP 302, joins with NAMES
// and a history batch, one order per room across doors, one nick namespace, private messages across
// doors, and bad input answered with numerics on a connection that lives on.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Client } from 'irc-framework';
import { nextIrcEvent } from '../helpers/irc-events.ts';
import { LineClient } from '../helpers/line-client.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';
import { waitUntil } from '../helpers/wait-until.ts';

const timeoutMs = 10_000;

/** The next `event` from `client` that satisfies `matches`. */
const next = <T = Record<string, unknown>>(client: Client, event: string, matches?: (value: T) => boolean): Promise<T> =>
  nextIrcEvent<T>(client, event, timeoutMs, matches);

/** A raw IRC connection: lines without their CR. */
async function rawIrc(port: number): Promise<LineClient & { irc(line: string): void; next(pattern: RegExp): Promise<string> }> {
  const client = await LineClient.connect(port);
  let seen = 0;
  return Object.assign(client, {
    irc: (line: string) => client.socket.write(`${line}\r\n`),
    /** The first line after those already matched that matches `pattern`. */
    async next(pattern: RegExp): Promise<string> {
      const found = await client.waitFor((line) => pattern.test(line.replace(/\r$/, '')), timeoutMs, seen);
      seen = client.lines.indexOf(found, seen) + 1;
      return found.replace(/\r$/, '');
    },
  });
}

async function registeredRaw(port: number, nick: string) {
  const client = await rawIrc(port);
  client.irc(`NICK ${nick}`);
  client.irc(`USER ${nick} 0 * :${nick}`);
  await client.next(/ 001 /);
  return client;
}

describe('the IRC door', () => {
  let server: TestServer;
  let ircPort: number;
  const clients: Client[] = [];
  const raws: LineClient[] = [];

  before(async () => {
    server = await startTestServer({ workers: 2 });
    ircPort = server.server.ircAddress!.port;
  });

  after(async () => {
    for (const client of clients) client.quit();
    for (const raw of raws) raw.close();
    await server.close();
  });

  function connect(nick: string): Client {
    const client = new Client();
    clients.push(client);
    client.connect({
      host: '127.0.0.1',
      port: ircPort,
      nick,
      username: nick,
      gecos: nick,
      auto_reconnect: false,
      ping_interval: 0,
      enable_echomessage: true,
    });
    return client;
  }

  async function line(nick: string): Promise<LineClient> {
    const client = await LineClient.joined(server.port, nick);
    raws.push(client);
    return client;
  }

  async function raw(nick?: string) {
    const client = nick === undefined ? await rawIrc(ircPort) : await registeredRaw(ircPort, nick);
    raws.push(client);
    return client;
  }

  test('registers with CAP LS 302 and all four capabilities, and starts in #lobby', async () => {
    const client = await raw();
    client.irc('CAP LS 302');
    client.irc('NICK capper');
    client.irc('USER capper 0 * :Cap');
    assert.equal(await client.next(/ CAP /), ':irc.roomcast CAP * LS :server-time message-tags echo-message batch');
    client.irc('CAP REQ :server-time message-tags echo-message batch');
    assert.match(await client.next(/ CAP /), / ACK :server-time message-tags echo-message batch$/);
    client.irc('CAP END');
    assert.match(await client.next(/ 001 /), /^:irc\.roomcast 001 capper :Welcome/);
    assert.match(await client.next(/ 005 /), /CHANTYPES=# .*NICKLEN=/);
    await client.next(/ 376 /);
    await client.next(/^:capper!capper@roomcast JOIN #lobby$/);
    assert.match(await client.next(/ 353 /), / 353 capper = #lobby :?.*capper/);

    const framework = connect('framed');
    await next(framework, 'registered');
    assert.deepEqual([...framework.network.cap.enabled].sort(), ['batch', 'echo-message', 'message-tags', 'server-time']);
  });

  test('JOIN #dev answers JOIN, the history as a chathistory batch with server-time, and NAMES', async () => {
    const liner = await line('histliner');
    liner.send('/join histroom');
    await liner.waitFor((text) => text === '[histroom] -- histliner joined');
    liner.send('first words');
    liner.send('/me waves');
    await liner.waitFor((text) => text === '[histroom] * histliner waves');

    const irc = connect('histirc');
    await next(irc, 'registered');
    const history = next<{ params: string[]; commands: { command: string; params: string[]; tags: Record<string, string> }[] }>(
      irc,
      'batch end chathistory',
    );
    const names = next<{ channel: string; users: { nick: string }[] }>(irc, 'userlist', (event) => event.channel === '#histroom');
    const joined = next<{ channel: string; nick: string }>(irc, 'join', (event) => event.channel === '#histroom');
    irc.join('#histroom');
    assert.equal((await joined).nick, 'histirc');
    const batch = await history;
    assert.deepEqual(batch.params, ['#histroom']);
    assert.deepEqual(
      batch.commands.map((command) => [command.command, ...command.params]),
      [
        ['PRIVMSG', '#histroom', 'first words'],
        ['PRIVMSG', '#histroom', '\x01ACTION waves\x01'],
      ],
    );
    for (const command of batch.commands) assert.ok(!Number.isNaN(Date.parse(command.tags.time!)), 'each line has its time');
    assert.deepEqual((await names).users.map((user) => user.nick).sort(), ['histirc', 'histliner']);
    await liner.waitFor((text) => text === '[histroom] -- histirc joined');
  });

  test('an IRC client, a line client and another IRC client in one room see the same order', async () => {
    const ann = connect('orderann');
    const bob = connect('orderbob');
    await Promise.all([next(ann, 'registered'), next(bob, 'registered')]);
    const annIn = next(ann, 'userlist', (event: { channel: string }) => event.channel === '#order');
    const bobIn = next(bob, 'userlist', (event: { channel: string }) => event.channel === '#order');
    ann.join('#order');
    bob.join('#order');
    await Promise.all([annIn, bobIn]);
    const liner = await line('orderliner');
    liner.send('/join order');
    await liner.waitFor((text) => text === '[order] -- orderliner joined');

    const perSpeaker = 20;
    const heardBy = (client: Client) => {
      const heard: string[] = [];
      client.on('privmsg', (event: { target: string; nick: string; message: string }) => {
        if (event.target === '#order') heard.push(`${event.nick}:${event.message}`);
      });
      return heard;
    };
    const annHeard = heardBy(ann);
    const bobHeard = heardBy(bob);
    for (let index = 0; index < perSpeaker; index++) {
      ann.say('#order', `a${index}`);
      liner.send(`l${index}`);
      bob.say('#order', `b${index}`);
    }
    const total = perSpeaker * 3;
    const linerSaid = () => liner.lines.filter((text) => text.startsWith('[order] <'));
    await waitUntil(
      () => annHeard.length >= total && bobHeard.length >= total && linerSaid().length >= total,
      timeoutMs,
      () => `every line everywhere (ann ${annHeard.length}, bob ${bobHeard.length}, liner ${linerSaid().length})`,
    );
    const linerOrder = linerSaid().map((text) => text.replace(/^\[order\] <([^>]+)> /, '$1:'));
    assert.deepEqual(annHeard, linerOrder, 'ann (with echo-message) sees the line client’s order');
    assert.deepEqual(bobHeard, linerOrder);
    for (const speaker of ['orderann:a', 'orderliner:l', 'orderbob:b']) {
      const own = linerOrder.filter((entry) => entry.startsWith(speaker));
      assert.deepEqual(
        own,
        own.map((_, index) => `${speaker}${index}`),
        `${speaker} in the order it spoke`,
      );
    }
  });

  test('one nick namespace: 433 when a line client holds it, NICK_TAKEN when IRC holds it', async () => {
    await line('heldbyline');
    const irc = await raw();
    irc.irc('NICK heldbyline');
    irc.irc('USER x 0 * :x');
    assert.match(await irc.next(/ 433 /), /^:irc\.roomcast 433 \* heldbyline :/);
    irc.irc('NICK HeldByIrc');
    await irc.next(/ 001 HeldByIrc /);

    const other = await LineClient.connect(server.port);
    raws.push(other);
    other.send('heldbyirc');
    await other.waitFor((text) => text.startsWith('!! NICK_TAKEN '));

    irc.irc('NICK heldbyline');
    assert.match(await irc.next(/ 433 /), /^:irc\.roomcast 433 HeldByIrc heldbyline :/);
    irc.irc('NICK renamedirc');
    assert.equal(await irc.next(/ NICK /), ':HeldByIrc!HeldByIrc@roomcast NICK renamedirc');
  });

  test('private messages cross doors both ways', async () => {
    const liner = await line('pmliner');
    const irc = connect('pmirc');
    await next(irc, 'registered');
    const heard = next<{ nick: string; target: string; message: string }>(irc, 'privmsg', (event) => event.nick === 'pmliner');
    liner.send('/msg pmirc psst from the line');
    const message = await heard;
    assert.deepEqual([message.target, message.message], ['pmirc', 'psst from the line']);
    irc.say('pmliner', 'and back from IRC');
    await liner.waitFor((text) => text === '[pm] <pmirc> and back from IRC');

    const rawClient = await raw('pmraw');
    rawClient.irc('PRIVMSG nobodyhere :hello?');
    assert.match(await rawClient.next(/ 401 /), /^:irc\.roomcast 401 pmraw nobodyhere :/);
  });

  test('WHOIS finds a user of any door, with its channels; an absent nick is 401', async () => {
    const liner = await line('whoisliner');
    liner.send('/join whoisroom');
    await liner.waitFor((text) => text === '[whoisroom] -- whoisliner joined');
    const asker = await raw('whoisasker');
    asker.irc('WHOIS WhoisLiner');
    assert.equal(await asker.next(/ 311 /), ':irc.roomcast 311 whoisasker whoisliner whoisliner roomcast * whoisliner');
    assert.equal(await asker.next(/ 319 /), ':irc.roomcast 319 whoisasker whoisliner :#lobby #whoisroom');
    await asker.next(/ 318 whoisasker whoisliner /);
    asker.irc('WHOIS nobodyatall');
    await asker.next(/ 401 whoisasker nobodyatall /);
    await asker.next(/ 318 whoisasker nobodyatall /);
  });

  test('bad input gets the right numerics and the connection lives on', async () => {
    const client = await raw('badder');
    client.socket.write(Buffer.from([0xff, 0xfe, 0x80, 0x0d, 0x0a]));
    assert.match(await client.next(/ FAIL /), /FAIL \* INVALID_UTF8 /);
    client.irc(`PRIVMSG #lobby :${'x'.repeat(600)}`);
    assert.match(await client.next(/ 417 /), /^:irc\.roomcast 417 badder :/);
    client.irc('FROBNICATE now');
    assert.equal(await client.next(/ 421 /), ':irc.roomcast 421 badder FROBNICATE :Unknown command');
    client.irc('JOIN');
    assert.equal(await client.next(/ 461 /), ':irc.roomcast 461 badder JOIN :Not enough parameters');
    client.irc('PRIVMSG #notjoined :hello');
    assert.match(await client.next(/ 404 /), /^:irc\.roomcast 404 badder #notjoined :/);
    client.irc('PART #notjoined');
    assert.match(await client.next(/ 442 /), /^:irc\.roomcast 442 badder #notjoined :/);
    client.irc('JOIN #bad name');
    client.irc('JOIN #ok!?');
    assert.match(await client.next(/ 479 /), / 479 badder /);
    client.socket.write(`${'y'.repeat(20_000)}\r\n`);
    assert.match(await client.next(/ 417 /), / 417 badder /);
    client.irc('PING :still-here');
    assert.equal(await client.next(/ PONG /), ':irc.roomcast PONG irc.roomcast still-here');
    assert.ok(!client.closed);
  });

  test('a command before registering is 451; PING works before and after', async () => {
    const client = await raw();
    client.irc('PING :early');
    assert.equal(await client.next(/ PONG /), ':irc.roomcast PONG irc.roomcast early');
    client.irc('JOIN #dev');
    assert.match(await client.next(/ 451 /), /^:irc\.roomcast 451 \* :/);
    client.irc('NICK pinger');
    client.irc('USER pinger 0 * :pinger');
    await client.next(/ 001 /);
    client.irc('PING :later');
    assert.equal(await client.next(/ PONG /), ':irc.roomcast PONG irc.roomcast later');
  });

  test('QUIT reaches the others of every door, and the quitter gets ERROR and a close', async () => {
    const liner = await line('quitliner');
    liner.send('/join quitroom');
    const watcher = connect('quitwatcher');
    await next(watcher, 'registered');
    const watcherIn = next(watcher, 'userlist', (event: { channel: string }) => event.channel === '#quitroom');
    watcher.join('#quitroom');
    await watcherIn;
    const quitter = await raw('quitter');
    quitter.irc('JOIN #quitroom');
    await quitter.next(/ 366 quitter #quitroom /);
    await liner.waitFor((text) => text === '[quitroom] -- quitter joined');

    const seen = next<{ nick: string; message: string }>(watcher, 'quit', (event) => event.nick === 'quitter');
    quitter.irc('QUIT :off to lunch');
    assert.equal(await quitter.next(/^ERROR /), 'ERROR :Closing link: Quit: off to lunch');
    await quitter.waitForClose();
    assert.equal((await seen).message, 'off to lunch');
    const quitLines = await liner.waitForCount((text) => text.includes('quitter') && text.includes('off to lunch'), 2);
    assert.ok(quitLines.some((text) => text.startsWith('[quitroom] ')));
  });
});

describe('the IRC door with operators, and with an idle timeout', () => {
  let server: TestServer;
  let idleServer: TestServer;
  const clients: LineClient[] = [];

  before(async () => {
    server = await startTestServer({ operatorPassword: 'sesame' });
    idleServer = await startTestServer({ idleTimeoutMs: 1000 });
  });

  after(async () => {
    for (const client of clients) client.close();
    await Promise.all([server.close(), idleServer.close()]);
  });

  async function registered(nick: string, on = server) {
    const client = await registeredRaw(on.server.ircAddress!.port, nick);
    clients.push(client);
    return client;
  }
  test('OPER with the password, then KICK disconnects a line client and an IRC client; others see them quit', async () => {
    const op = await registered('ircop');
    const lineVictim = await LineClient.joined(server.port, 'linevictim');
    clients.push(lineVictim);
    const ircVictim = await registered('ircvictim');
    op.irc('KICK #lobby linevictim :too early');
    assert.match(await op.next(/ 481 /), /^:irc\.roomcast 481 ircop :/);
    op.irc('OPER ircop wrong');
    assert.match(await op.next(/ 464 /), /^:irc\.roomcast 464 ircop :/);
    op.irc('OPER anyname sesame');
    assert.equal(await op.next(/ 381 /), ':irc.roomcast 381 ircop :You are now an IRC operator');
    op.irc('MODE ircop');
    assert.equal(await op.next(/ 221 /), ':irc.roomcast 221 ircop +o');

    op.irc('KICK #lobby linevictim :spam');
    await lineVictim.waitFor((text) => text.startsWith('!! KICKED '));
    await lineVictim.waitForClose();
    assert.match(await op.next(/ QUIT /), /^:linevictim!linevictim@roomcast QUIT :/);

    op.irc('KICK #lobby ircvictim');
    assert.match(await ircVictim.next(/^ERROR /), /^ERROR :Closing link: .*ircop/);
    await ircVictim.waitForClose();
  });

  test('the server PINGs a silent client: one that answers is not idle, one that does not is closed', async () => {
    const answering = await registered('answerer', idleServer);
    const silent = await registered('silent', idleServer);
    let pongs = 0;
    answering.socket.on('data', (chunk: Buffer) => {
      for (const ping of chunk.toString().match(/^PING .*$/gm) ?? []) {
        answering.irc(ping.replace(/^PING/, 'PONG').replace(/\r$/, ''));
        pongs++;
      }
    });
    assert.match(await silent.next(/^ERROR /), /^ERROR :Closing link: /);
    await silent.waitForClose();
    await waitUntil(() => pongs >= 3, timeoutMs, 'three pings answered');
    assert.ok(!answering.closed, 'answering pings keeps a client');
  });
});
