// Three roomcast nodes, each its own process, sharing rooms over a real bus — Redis, then NATS, each a
// private broker of this file's — with clients spread over the nodes and over the line protocol, IRC and
// WebSocket doors (docs/design/multi-node-bus.md §5–6): one order per room, nicks unique across nodes,
// private messages and listings across nodes, history on join, a node killed with SIGKILL, the broker
// restarted mid-chat, and a node that loses live events. The coordinator's logic alone, on MemoryBus, is
// test/bus-coordinator.test.ts.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { freePort } from '../../bench/macro/private-brokers.ts';
import { followStats } from '../../harness/stats-records.ts';
import { assertSameSequence } from '../helpers/chat-peer.ts';
import { type BusSettings, Cluster, type ClusterNode } from '../helpers/cluster.ts';
import { type ChatClient, connectClient, type Door, IrcDoorClient, joinedClient, LineDoorClient } from '../helpers/door-clients.ts';
import { startTestBroker, type TestBroker } from '../helpers/private-broker.ts';
import { TcpProxy } from '../helpers/tcp-proxy.ts';
import { waitUntil } from '../helpers/wait-until.ts';

/** Short bus timings, so a dead node is noticed within seconds (the defaults are 5 s and 15 s). */
const heartbeatMs = 300;
const nickTtlMs = 1_500;
/** The design's bound on announcing a dead node's quits is the nick TTL plus a reap tick (a heartbeat), plus this. */
const slackMs = 5_000;
const historyOnJoin = 5;
const nodeArgs = [
  '--workers',
  '1',
  // Clients here send bursts; flood limits are another test's subject.
  '--flood-messages-per-second',
  '0',
  '--flood-bytes-per-second',
  '0',
  // Large enough that a gap fill always finds what a lossy node missed: with 20, a burst of 120 lines is
  // trimmed from the stream before the fill's read arrives, and those lines are honestly reported missed.
  '--history-size',
  '200',
  '--history-on-join',
  String(historyOnJoin),
];
// The coordinator's notices (workers/coordinator/bus-coordinator.ts), by what they must say.
const isBusDown = (text: string) => /^The chat bus .*unreachable/.test(text);
const isBusBack = (text: string) => /^The chat bus is back/.test(text);
// README "a node is killed": what the other nodes' rooms see.
const deadNodeReason = 'connection lost: server unreachable';
const operatorPassword = 'sesame';
const waitMs = 20_000;

for (const kind of ['redis', 'nats'] as const) describeCluster(kind);

function describeCluster(kind: 'redis' | 'nats'): void {
  describe(`three nodes over ${kind}`, () => {
    let broker: TestBroker | undefined;
    let cluster: Cluster | undefined;
    let nodes: ClusterNode[] = [];
    const clients: ChatClient[] = [];
    let secrets: string | undefined;

    before(async () => {
      secrets = mkdtempSync(path.join(os.tmpdir(), 'roomcast-cluster-'));
      const passwordFile = path.join(secrets, 'operator-password');
      writeFileSync(passwordFile, operatorPassword);
      broker = await startTestBroker(kind);
      const bus: BusSettings = { url: broker.url, prefix: `cluster-${randomBytes(4).toString('hex')}`, heartbeatMs, nickTtlMs };
      cluster = new Cluster(bus, [...nodeArgs, '--operator-password-file', passwordFile]);
      nodes = await cluster.startMany(3);
    });

    after(async () => {
      for (const client of clients) client.close();
      await cluster?.killAll();
      await broker?.dispose();
      if (secrets !== undefined) rmSync(secrets, { recursive: true, force: true });
    });

    /** A client of this suite (closed at the end), in `room` under `nick`. */
    async function user(door: Door, node: ClusterNode, nick: string, room: string): Promise<ChatClient> {
      const client = await joinedClient(door, node, nick, room);
      clients.push(client);
      return client;
    }

    /**
     * Waits until every two of `members` are known to share `room`: of each pair, the later joiner's join
     * reached the earlier one live (the earlier one's was before the later one was in, so only one can).
     */
    async function allIn(room: string, members: ChatClient[]): Promise<void> {
      const sawJoin = (client: ChatClient, other: ChatClient) => client.seen(room, 'join').some((event) => event.nick === other.nick);
      await waitUntil(
        () => members.every((client) => members.every((other) => sawJoin(client, other) || sawJoin(other, client))),
        waitMs,
        `everyone's join of ${room} to reach those in before them`,
      );
    }

    /**
     * `room`'s members as `client` lists them, asked again until they are `expected` or waitMs passed (then
     * the last answer): listings come from presence other nodes publish, which may trail the room's events.
     */
    async function membersOnceSettled(client: ChatClient, room: string, expected: string[]): Promise<string[]> {
      const deadline = Date.now() + waitMs;
      for (;;) {
        const members = await client.members(room);
        if (members.join() === expected.join() || Date.now() > deadline) return members;
      }
    }

    const numbered = (client: ChatClient, room: string) => client.said(room).filter((line) => / #\d+$/.test(line));

    /**
     * Waits until every member got `perSender` numbered lines (`#0`, `#1`…) of `room` from each member, then
     * asserts one order: every member saw the same sequence, its own lines included where the bus put
     * them, and in it each sender's lines in the order sent, none twice.
     */
    async function assertOneOrder(room: string, members: ChatClient[], perSender: number): Promise<void> {
      const total = perSender * members.length;
      for (const member of members) await member.until(() => numbered(member, room).length >= total, waitMs, `${total} lines of ${room}`);
      const reference = numbered(members[0]!, room);
      for (const member of members) {
        assertSameSequence(numbered(member, room), reference, `${member.nick} (${member.door}) saw the order ${members[0]!.nick} saw`);
      }
      for (const sender of members) {
        const own = reference.filter((line) => line.startsWith(`${sender.nick} `));
        const expected = Array.from({ length: perSender }, (_, n) => `${sender.nick} #${n}`);
        assertSameSequence(own, expected, `${sender.nick}'s lines, in the order sent`);
      }
    }

    test('one order per room: every client on every node and door sees the same sequence, its own lines in it', async () => {
      const room = 'order';
      const [a, b, c] = nodes as [ClusterNode, ClusterNode, ClusterNode];
      const placed: [Door, ClusterNode][] = [
        ['line', a],
        ['ws', a],
        ['line', b],
        ['irc', b],
        ['irc', c],
        ['ws', c],
      ];
      const members = await Promise.all(placed.map(([door, node], i) => user(door, node, `order${i}`, room)));
      await allIn(room, members);
      const perSender = 100;
      for (let n = 0; n < perSender; n++) for (const member of members) member.say(room, `#${n}`);
      await assertOneOrder(room, members, perSender);
    });

    test('a nick asked for on all three nodes at once goes to exactly one connection; look-alikes are refused elsewhere', async () => {
      const doors: Door[] = ['line', 'line', 'line', 'line', 'line', 'line', 'irc', 'irc', 'ws', 'ws'];
      const racers = await Promise.all(
        nodes.flatMap((node) => doors.map(async (door) => ({ node, client: await connectClient(door, node) }))),
      );
      clients.push(...racers.map(({ client }) => client));
      const outcomes = await Promise.all(racers.map(({ client }) => client.register('olive')));
      assert.equal(outcomes.filter((outcome) => outcome === 'accepted').length, 1, `outcomes: ${outcomes.join(' ')}`);
      assert.deepEqual(
        outcomes.filter((outcome) => outcome !== 'accepted'),
        Array.from({ length: racers.length - 1 }, () => 'NICK_TAKEN'),
      );
      const winner = racers[outcomes.indexOf('accepted')]!;
      // Losers on the other nodes keep asking on the same connection.
      const elsewhere = racers.filter(({ node, client }) => node !== winner.node && client.door !== 'ws' && !client.registered);
      const lineLoser = elsewhere.find(({ client }) => client.door === 'line')!.client;
      const ircLoser = elsewhere.find(({ client }) => client.door === 'irc')!.client;
      assert.equal(await lineLoser.register('OLIVE'), 'NICK_TAKEN');
      assert.equal(await lineLoser.register('oIive'), 'NICK_LOOKALIKE');
      assert.equal(await ircLoser.register('o1ive'), 'NICK_LOOKALIKE');
      for (const { client } of racers) client.close();
    });

    test('/msg and /kick reach a user on another node (NO_SUCH_NICK once gone); /who, /rooms, NAMES, LIST and WHOIS list every node', async () => {
      const room = 'meet';
      const [a, b, c] = nodes as [ClusterNode, ClusterNode, ClusterNode];
      const ann = await user('line', a, 'ann', room);
      const ben = await user('irc', b, 'ben', room);
      const cat = await user('ws', c, 'cat', room);
      await allIn(room, [ann, ben, cat]);

      ann.msg('ben', 'psst-1');
      ben.msg('cat', 'psst-2');
      cat.msg('ann', 'psst-3');
      await ben.until(() => ben.privates.some((pm) => pm.from === 'ann' && pm.text === 'psst-1'), waitMs, 'ann’s message');
      await cat.until(() => cat.privates.some((pm) => pm.from === 'ben' && pm.text === 'psst-2'), waitMs, 'ben’s message');
      await ann.until(() => ann.privates.some((pm) => pm.from === 'cat' && pm.text === 'psst-3'), waitMs, 'cat’s message');
      // The sender sees its message as delivered, once the other node has it.
      await ann.until(() => ann.privates.some((pm) => pm.from === 'ann' && pm.to === 'ben' && pm.text === 'psst-1'), waitMs, 'ann’s echo');
      ann.msg('nobody-here', 'hello?');
      ben.msg('nobody-here', 'hello?');
      await ann.until(() => ann.errors.includes('NO_SUCH_NICK'), waitMs, 'NO_SUCH_NICK');
      await ben.until(() => ben.errors.includes('NO_SUCH_NICK'), waitMs, '401');

      for (const client of [ann, ben, cat]) {
        assert.deepEqual(
          await membersOnceSettled(client, room, ['ann', 'ben', 'cat']),
          ['ann', 'ben', 'cat'],
          `${client.door} listing of ${room}`,
        );
        assert.equal((await client.rooms()).get(room), 3, `${client.door} room listing`);
      }
      assert.ok(ben instanceof IrcDoorClient);
      ben.send('WHOIS cat');
      await ben.until(() => ben.lines.some((line) => / 319 ben cat :?#meet$/.test(line)), waitMs, 'WHOIS of a user on another node');

      assert.ok(ann instanceof LineDoorClient);
      ann.send(`/oper ${operatorPassword}`);
      ann.send('/kick cat spam');
      await cat.until(() => cat.errors.includes('KICKED') && cat.closed, waitMs, 'cat kicked from another node');
      for (const client of [ann, ben]) {
        await client.until(() => client.seen(room, 'quit').some((event) => event.nick === 'cat'), waitMs, 'cat’s quit');
        // Only cat's: an IRC QUIT names no channel, and ben also shares the lobby with earlier tests' users.
        assert.deepEqual(
          client
            .seen(room, 'quit')
            .filter((event) => event.nick === 'cat')
            .map((event) => event.text),
          ['kicked by ann: spam'],
        );
      }
      const refusals = ann.errors.length;
      ann.msg('cat', 'still there?');
      await ann.until(() => ann.errors.length > refusals, waitMs, 'an answer to a message for a nick gone');
      assert.equal(ann.errors.at(-1), 'NO_SUCH_NICK');
    });

    test('history on join is the room’s, whichever node its lines came from', async () => {
      const room = 'hist';
      const [a, b, c] = nodes as [ClusterNode, ClusterNode, ClusterNode];
      const startedAt = Date.now() - 1_000;
      const hana = await user('line', a, 'hana', room);
      for (let n = 0; n < 15; n++) hana.say(room, `h${n}`);
      await hana.until(() => hana.said(room).length === 15, waitMs, 'hana’s 15 lines back');
      // One joiner at a time, on other nodes and doors: each gets the room's last events before its join,
      // as hana (on the node that sent them) saw them live; IRC replays only what was said.
      for (const [door, node, nick] of [
        ['line', c, 'hugo'],
        ['ws', b, 'hedy'],
        ['irc', c, 'hiro'],
      ] as const) {
        const expected = hana.events
          .filter((event) => event.room === room)
          .slice(-historyOnJoin)
          .filter((event) => door !== 'irc' || event.kind === 'say')
          .map((event) => `${event.kind} ${event.nick} ${event.text}`);
        const joiner = await user(door, node, nick, room);
        const replayed = joiner.history.get(room) ?? [];
        assert.deepEqual(
          replayed.map((event) => `${event.kind} ${event.nick} ${event.text}`),
          expected,
          `${nick} (${door}) got the last ${historyOnJoin} events`,
        );
        for (const event of replayed) {
          assert.ok(event.timeMs! >= startedAt && event.timeMs! <= Date.now(), `${nick}'s history keeps the time each was sent`);
        }
        await hana.until(() => hana.seen(room, 'join').some((event) => event.nick === nick), waitMs, `${nick}'s join`);
      }
    });

    test('a node stopped with SIGTERM: its users quit at once everywhere, and their nicks are free at once', async () => {
      const room = 'dusk';
      const [a, , c] = nodes as [ClusterNode, ClusterNode, ClusterNode];
      const leaving = await cluster!.start('leaving', []);
      const gone = [await user('line', leaving, 'lou', room), await user('irc', leaving, 'lia', room)];
      const watchers = [await user('line', a, 'wes', room), await user('irc', c, 'wyn', room)];
      await allIn(room, [...gone, ...watchers]);

      assert.equal(await leaving.process.stop(), 0, 'a graceful stop exits 0');
      // Immediate, not after the nick TTL: the node published its users' quits and released their nicks itself.
      const bound = nickTtlMs;
      for (const watcher of watchers) {
        for (const user of gone) {
          await watcher.until(
            () => watcher.seen(room, 'quit').some((event) => event.nick === user.nick),
            bound,
            `${user.nick}'s quit on ${watcher.nick}`,
          );
          const quits = watcher.seen(room, 'quit').filter((event) => event.nick === user.nick);
          assert.equal(quits.length, 1, `${watcher.nick} saw ${user.nick} quit once`);
        }
      }
      const heir = await connectClient('line', c);
      clients.push(heir);
      assert.equal(await heir.register('lou'), 'accepted', 'lou’s nick is free at once');
    });

    test('a node killed with SIGKILL: its users quit once everywhere within the nick TTL, their nicks free again, /who drops them', async () => {
      const room = 'doom';
      const [a, , c] = nodes as [ClusterNode, ClusterNode, ClusterNode];
      const doomed = await cluster!.start('doomed', []);
      const dead = [await user('line', doomed, 'dora', room), await user('irc', doomed, 'dirk', room)];
      const watchers = [await user('line', a, 'wanda', room), await user('irc', c, 'walt', room)];
      await allIn(room, [...dead, ...watchers]);

      await doomed.kill();
      const killedAt = Date.now();
      const bound = nickTtlMs + heartbeatMs + slackMs;
      for (const watcher of watchers) {
        for (const gone of dead) {
          await watcher.until(
            () => watcher.seen(room, 'quit').some((event) => event.nick === gone.nick),
            bound,
            `${gone.nick}'s quit on ${watcher.nick}`,
          );
        }
      }
      const quitWithin = Date.now() - killedAt;
      // The nick is free once the reaper released it, or it expired: ask until then, within the same bound.
      const heir = await connectClient('line', a);
      clients.push(heir);
      while ((await heir.register('dora')) !== 'accepted') {
        assert.ok(Date.now() - killedAt < bound, 'dora’s nick is free again within the bound');
      }
      for (const watcher of watchers) assert.deepEqual(await membersOnceSettled(watcher, room, ['walt', 'wanda']), ['walt', 'wanda']);
      for (const watcher of watchers) {
        for (const gone of dead) {
          const quits = watcher.seen(room, 'quit').filter((event) => event.nick === gone.nick);
          assert.equal(quits.length, 1, `${watcher.nick} saw ${gone.nick} quit once`);
          assert.equal(quits[0]!.text, deadNodeReason);
        }
      }
      assert.ok(quitWithin < bound, `quits announced ${quitWithin} ms after the kill`);
    });

    test('a node that drops every 3rd live event still delivers every line, in the room’s one order', async () => {
      const room = 'gaps';
      const [a, b] = nodes as [ClusterNode, ClusterNode, ClusterNode];
      const lossy = await cluster!.start('lossy', ['--bus-test-drop-live', '3', '--stats-interval-ms', '500']);
      const stats = followStats(lossy.process);
      const members = [
        await user('line', lossy, 'gil', room),
        await user('ws', lossy, 'gia', room),
        await user('line', a, 'gus', room),
        await user('irc', b, 'gwen', room),
      ];
      await allIn(room, members);
      const perSender = 30;
      for (let n = 0; n < perSender; n++) for (const member of members) member.say(room, `#${n}`);
      await assertOneOrder(room, members, perSender);
      let gapFills = 0;
      await waitUntil(
        () => {
          for (const record of stats()) gapFills = Math.max(gapFills, record.coordinator.bus?.gapFills ?? 0);
          return gapFills > 0;
        },
        waitMs,
        'a stats record of the lossy node counting gap fills',
      );
    });

    test('a node cut off from the bus longer than the nick TTL: peers see its users quit, on return they join again, nobody gets a line twice', async () => {
      const room = 'split';
      const [a, , c] = nodes as [ClusterNode, ClusterNode, ClusterNode];
      const proxy = await TcpProxy.start(broker!.port);
      try {
        const island = await cluster!.start('island', [], `${kind}://127.0.0.1:${proxy.port}`);
        const members = [await user('line', island, 'pia', room), await user('line', a, 'ola', room), await user('ws', c, 'uma', room)];
        const [pia, ola, uma] = members as [ChatClient, ChatClient, ChatClient];
        await allIn(room, members);
        const sendRound = (from: number) => {
          for (let n = from; n < from + 5; n++) for (const member of members) member.say(room, `#${n}`);
        };
        sendRound(0);
        await assertOneOrder(room, members, 5);

        proxy.cut();
        const cutAt = Date.now();
        await pia.until(() => pia.infos.some(isBusDown), waitMs, 'the bus-down notice on the cut-off node');
        for (const peer of [ola, uma]) {
          await peer.until(
            () => peer.seen(room, 'quit').some((event) => event.nick === 'pia'),
            nickTtlMs + heartbeatMs + slackMs,
            'pia reaped',
          );
        }
        const reapedWithin = Date.now() - cutAt;
        // Lines the cut-off node misses, which it must catch up on; its own are refused meanwhile.
        ola.say(room, 'apart-ola');
        uma.say(room, 'apart-uma');
        for (const peer of [ola, uma])
          await peer.until(() => peer.said(room).filter((line) => line.includes(' apart-')).length === 2, waitMs, 'the lines said apart');
        pia.say(room, 'apart-pia');
        await pia.until(() => pia.errors.includes('BUS_UNAVAILABLE'), waitMs, 'BUS_UNAVAILABLE on the cut-off node');
        proxy.heal();
        await pia.until(() => pia.infos.some(isBusBack), waitMs, 'the bus-back notice');
        const joinedAgain = (peer: ChatClient) => {
          const quit = peer.events.findIndex((event) => event.kind === 'quit' && event.nick === 'pia');
          return peer.events.some((event, i) => i > quit && event.room === room && event.kind === 'join' && event.nick === 'pia');
        };
        for (const peer of [ola, uma]) await peer.until(() => joinedAgain(peer), waitMs, 'pia joining again');
        sendRound(5);
        await assertOneOrder(room, members, 10);
        for (const member of members) {
          assert.equal(new Set(member.said(room)).size, member.said(room).length, `${member.nick} got no line twice`);
          assertSameSequence(member.said(room), ola.said(room), `${member.nick} got every line ola got, in her order`);
        }
        assert.ok(!ola.said(room).some((line) => line.includes('apart-pia')), 'a refused line is never delivered');
        for (const peer of [ola, uma]) assert.equal(peer.seen(room, 'quit').filter((event) => event.nick === 'pia').length, 1);
        assert.deepEqual(await membersOnceSettled(ola, room, ['ola', 'pia', 'uma']), ['ola', 'pia', 'uma']);
        assert.ok(reapedWithin < nickTtlMs + heartbeatMs + slackMs, `reaped ${reapedWithin} ms after the cut`);
      } finally {
        await proxy.close();
      }
    });

    // This and the next take the bus away from every node: they come after the cases that need it.
    test('the broker restarted mid-chat: clients told it is gone and back, lines refused meanwhile, none delivered twice', async () => {
      const room = 'storm';
      const [a, b, c] = nodes as [ClusterNode, ClusterNode, ClusterNode];
      const members = [await user('line', a, 'rita', room), await user('irc', b, 'rolf', room), await user('ws', c, 'rosa', room)];
      await allIn(room, members);
      const sendRound = (from: number) => {
        for (let n = from; n < from + 5; n++) for (const member of members) member.say(room, `#${n}`);
      };
      sendRound(0);
      await assertOneOrder(room, members, 5);

      await broker!.stop();
      const stoppedAt = Date.now();
      for (const member of members) await member.until(() => member.infos.some(isBusDown), waitMs, 'the bus-down notice');
      for (const member of members) member.say(room, `refused-${member.nick}`);
      for (const member of members) await member.until(() => member.errors.includes('BUS_UNAVAILABLE'), waitMs, 'BUS_UNAVAILABLE');
      // The outage's length is the scenario, not a synchronisation: longer than a nick's TTL, so every
      // node's nicks and liveness lapse on the broker, and the nodes must re-claim them, not reap each other.
      const outageMs = nickTtlMs + 2 * heartbeatMs;
      await waitUntil(() => Date.now() - stoppedAt > outageMs, outageMs + 1_000, `an outage of ${outageMs} ms`);

      await broker!.start({ keepData: true });
      for (const member of members) await member.until(() => member.infos.some(isBusBack), waitMs, 'the bus-back notice');
      sendRound(5);
      await assertOneOrder(room, members, 10);
      const usurper = await connectClient('line', c);
      clients.push(usurper);
      assert.equal(await usurper.register('rita'), 'NICK_TAKEN', 'rita’s node claimed her nick again');

      for (const member of members) {
        assert.equal(member.infos.filter(isBusDown).length, 1, `${member.nick} told once it is gone`);
        assert.equal(member.infos.filter(isBusBack).length, 1, `${member.nick} told once it is back`);
        assert.equal(new Set(member.said(room)).size, member.said(room).length, `${member.nick} got no line twice`);
        assert.ok(!member.said(room).some((line) => line.includes('refused-')), 'a refused line is never delivered');
        const gone = member.events.filter(
          (event) => (event.room === room || event.room === '*') && (event.kind === 'quit' || event.kind === 'part'),
        );
        assert.deepEqual(gone, [], `${member.nick} saw nobody leave: no node was taken for dead`);
      }
    });

    test('the broker restarted without its data: members told the room’s history was lost, nicks claimed again, chat goes on', async () => {
      const room = 'amnesia';
      const [a, b, c] = nodes as [ClusterNode, ClusterNode, ClusterNode];
      const members = [await user('line', a, 'lena', room), await user('irc', b, 'lars', room), await user('ws', c, 'liv', room)];
      await allIn(room, members);
      const sendRound = (from: number) => {
        for (let n = from; n < from + 5; n++) for (const member of members) member.say(room, `#${n}`);
      };
      sendRound(0);
      await assertOneOrder(room, members, 5);
      const backBefore = members.map((member) => member.infos.filter(isBusBack).length);

      await broker!.kill();
      await broker!.start({ keepData: false });
      const isReset = (text: string) => text.includes(`history of room ${room}`);
      for (const [i, member] of members.entries()) {
        await member.until(() => member.infos.filter(isBusBack).length > backBefore[i]!, waitMs, 'the bus-back notice');
        await member.until(() => member.infos.some(isReset), waitMs, 'the notice that the room’s history was lost');
      }
      sendRound(5);
      await assertOneOrder(room, members, 10);
      const usurper = await connectClient('line', c);
      clients.push(usurper);
      assert.equal(await usurper.register('lena'), 'NICK_TAKEN', 'lena’s node claimed her nick again');
      assert.deepEqual(await membersOnceSettled(members[0]!, room, ['lars', 'lena', 'liv']), ['lars', 'lena', 'liv']);
      for (const member of members) {
        assert.equal(member.infos.filter(isReset).length, 1, `${member.nick} told once`);
        const gone = member.events.filter(
          (event) => (event.room === room || event.room === '*') && (event.kind === 'quit' || event.kind === 'part'),
        );
        assert.deepEqual(gone, [], `${member.nick} saw nobody leave`);
      }
    });

    test('a node refuses to start when nothing listens at the bus URL, and says which URL', async () => {
      const url = `${kind}://127.0.0.1:${await freePort()}`;
      const unreachable = new Cluster({ url, prefix: 'unreachable', heartbeatMs, nickTtlMs }, nodeArgs);
      try {
        await assert.rejects(unreachable.start('stranded'), (error: Error) => {
          assert.match(error.message, /exited with [1-9]/, 'it exits with a failure status');
          assert.ok(error.message.includes(url.replace(/^\w+:\/\//, '')), `the error names ${url}:\n${error.message}`);
          return true;
        });
      } finally {
        await unreachable.killAll();
      }
    });
  });
}
