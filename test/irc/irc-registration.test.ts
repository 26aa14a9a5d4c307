import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { isValidNick } from '../../src/protocol/names.ts';
import { type IrcMessage, maxMessageBytes, parseIrcMessage } from '../../src/protocol/irc/irc-message.ts';
import {
  capLines,
  type IrcServerInfo,
  IrcRegistration,
  offeredCapabilities,
  type RegistrationOutput,
} from '../../src/protocol/irc/irc-registration.ts';

const info: IrcServerInfo = { version: 'roomcast-test', createdAtMs: Date.UTC(2026, 11, 1), maxRoomsPerClient: 20, motd: [] };

function message(line: string): IrcMessage {
  const result = parseIrcMessage(Buffer.from(line));
  assert.ok(result.ok, line);
  return result.message;
}

function parsedLine(line: string): IrcMessage {
  assert.ok(line.endsWith('\r\n') && Buffer.byteLength(line) <= maxMessageBytes, JSON.stringify(line));
  return message(line.slice(0, -2));
}

/** Feeds lines in order and returns every output, so a test reads like a transcript. */
function feed(registration: IrcRegistration, ...lines: string[]): RegistrationOutput[] {
  return lines.flatMap((line) => registration.handle(message(line)) ?? assert.fail(`${line} was not for registration`));
}

const sent = (outputs: readonly RegistrationOutput[]) => outputs.flatMap((output) => (output.kind === 'send' ? [output.line] : []));
const commands = (outputs: readonly RegistrationOutput[]) => sent(outputs).map((line) => parsedLine(line).command);

describe('IrcRegistration', () => {
  test('without CAP: NICK and USER claim the nick; accepted, the welcome burst follows', () => {
    const registration = new IrcRegistration(info);
    assert.deepEqual(feed(registration, 'NICK alice'), []);
    assert.deepEqual(feed(registration, 'USER alice 0 * :Alice A'), [{ kind: 'claim', nick: 'alice' }]);
    assert.equal(registration.phase, 'claiming');
    const outputs = registration.claimResult({ accepted: true });
    assert.deepEqual(commands(outputs), ['001', '002', '003', '004', '005', '422']);
    assert.deepEqual(outputs.at(-1), { kind: 'registered', nick: 'alice' });
    for (const line of sent(outputs)) assert.equal(parsedLine(line).params[0], 'alice');
    assert.equal(registration.phase, 'registered');
    assert.deepEqual([...registration.capabilities], []);
  });

  test('USER before NICK works as well, and a message of the day is sent when there is one', () => {
    const registration = new IrcRegistration({ ...info, motd: ['Rooms are channels.', 'Be kind.'] });
    assert.deepEqual(feed(registration, 'USER a 0 * :A', 'NICK bob'), [{ kind: 'claim', nick: 'bob' }]);
    const outputs = registration.claimResult({ accepted: true });
    assert.deepEqual(commands(outputs).slice(-4), ['375', '372', '372', '376']);
    assert.equal(parsedLine(sent(outputs).at(-2)!).params[1], '- Be kind.');
  });

  test('CAP LS 302 suspends registration until CAP END; REQ of offered capabilities is ACKed', () => {
    const registration = new IrcRegistration(info);
    const ls = sent(feed(registration, 'CAP LS 302'));
    assert.deepEqual(ls, [':irc.roomcast CAP * LS :server-time message-tags echo-message batch\r\n']);
    assert.deepEqual(feed(registration, 'NICK alice', 'USER alice 0 * :Alice'), []);
    assert.deepEqual(sent(feed(registration, 'CAP REQ :server-time batch')), [':irc.roomcast CAP * ACK :server-time batch\r\n']);
    assert.deepEqual(feed(registration, 'CAP END'), [{ kind: 'claim', nick: 'alice' }]);
    assert.deepEqual([...registration.capabilities].sort(), ['batch', 'server-time']);
  });

  test('CAP REQ naming an unknown capability is refused whole (NAK), changing nothing', () => {
    const registration = new IrcRegistration(info);
    feed(registration, 'CAP LS 302', 'CAP REQ :server-time');
    assert.deepEqual(sent(feed(registration, 'CAP REQ :batch sasl')), [':irc.roomcast CAP * NAK :batch sasl\r\n']);
    assert.deepEqual(sent(feed(registration, 'CAP REQ :')), [':irc.roomcast CAP * NAK :\r\n']);
    assert.deepEqual([...registration.capabilities], ['server-time']);
    assert.deepEqual(sent(feed(registration, 'CAP REQ :-server-time echo-message')), [
      ':irc.roomcast CAP * ACK :-server-time echo-message\r\n',
    ]);
    assert.deepEqual([...registration.capabilities], ['echo-message']);
  });

  test('CAP REQ alone (no LS) also suspends registration; CAP END without negotiation does nothing', () => {
    const registration = new IrcRegistration(info);
    assert.deepEqual(feed(registration, 'CAP END'), []);
    feed(registration, 'CAP REQ :batch');
    assert.deepEqual(feed(registration, 'NICK alice', 'USER alice 0 * :A'), []);
    assert.deepEqual(feed(registration, 'CAP END'), [{ kind: 'claim', nick: 'alice' }]);
  });

  test('CAP LS 302 spans lines when the names do not fit one, marking all but the last with *', () => {
    const names = Array.from({ length: 80 }, (_, index) => `vendor.example/capability-${index}`);
    const lines = capLines('*', 'LS', names, true).map(parsedLine);
    assert.ok(lines.length > 1);
    for (const line of lines.slice(0, -1)) assert.deepEqual(line.params.slice(0, 3), ['*', 'LS', '*']);
    assert.deepEqual(lines.at(-1)!.params.slice(0, 2), ['*', 'LS']);
    assert.notEqual(lines.at(-1)!.params[2], '*');
    assert.deepEqual(
      lines.flatMap((line) => line.params.at(-1)!.split(' ')),
      names,
    );
    // A client that did not ask for 302 gets the names on one line, whatever it costs.
    assert.equal(capLines('*', 'LS', offeredCapabilities, false).length, 1);
  });

  test('a taken nick is answered with 433; the client picks another and registers with it', () => {
    const registration = new IrcRegistration(info);
    assert.deepEqual(feed(registration, 'NICK alice', 'USER alice 0 * :A'), [{ kind: 'claim', nick: 'alice' }]);
    // While the claim is under way other messages wait; PING is answered at once.
    assert.deepEqual(feed(registration, 'NICK alice_'), [{ kind: 'hold' }]);
    assert.deepEqual(commands(feed(registration, 'PING :t1')), ['PONG']);
    const refused = registration.claimResult({ accepted: false });
    assert.deepEqual(sent(refused), [':irc.roomcast 433 * alice :The nickname "alice" is already in use.\r\n']);
    assert.equal(registration.phase, 'connecting');
    assert.deepEqual(feed(registration, 'NICK alice_'), [{ kind: 'claim', nick: 'alice_' }]);
    const accepted = registration.claimResult({ accepted: true });
    assert.deepEqual(accepted.at(-1), { kind: 'registered', nick: 'alice_' });
  });

  test('a nick refused for looking like another says whose', () => {
    const registration = new IrcRegistration(info);
    feed(registration, 'NICK aIice', 'USER a 0 * :A');
    const [line] = sent(registration.claimResult({ accepted: false, holder: 'alice' }));
    assert.match(line!, /^:irc\.roomcast 433 \* aIice :.*looks too much like "alice"/);
  });

  test('bad NICK and USER are answered and change nothing', () => {
    const registration = new IrcRegistration(info);
    assert.deepEqual(commands(feed(registration, 'NICK')), ['431']);
    assert.deepEqual(commands(feed(registration, 'NICK :')), ['431']);
    assert.deepEqual(commands(feed(registration, 'NICK 1abc')), ['432']);
    assert.deepEqual(commands(feed(registration, 'USER a 0 *')), ['461']);
    assert.equal(registration.nick, undefined);
    feed(registration, 'USER a 0 * :A');
    assert.deepEqual(commands(feed(registration, 'USER b 0 * :B')), ['462']);
    assert.deepEqual(feed(registration, 'NICK ok'), [{ kind: 'claim', nick: 'ok' }]);
  });

  test('PING, PONG and PASS before registration; other commands need it', () => {
    const registration = new IrcRegistration(info);
    assert.deepEqual(sent(feed(registration, 'PING :abc def')), [':irc.roomcast PONG irc.roomcast :abc def\r\n']);
    assert.deepEqual(commands(feed(registration, 'PING')), ['409']);
    assert.deepEqual(feed(registration, 'PONG x', 'PASS secret'), []);
    assert.deepEqual(sent(feed(registration, 'JOIN #dev')), [':irc.roomcast 451 * :You have not registered\r\n']);
  });

  test('QUIT before registration closes after an ERROR line; a late claim answer is ignored', () => {
    const registration = new IrcRegistration(info);
    feed(registration, 'NICK alice', 'USER a 0 * :A');
    const outputs = feed(registration, 'QUIT :bye');
    assert.deepEqual(commands(outputs), ['ERROR']);
    assert.deepEqual(outputs.at(-1), { kind: 'close', reason: 'quit' });
    assert.equal(registration.phase, 'closed');
    assert.deepEqual(registration.claimResult({ accepted: true }), []);
    assert.deepEqual(feed(registration, 'NICK bob'), []);
  });

  test('after registration: CAP still works, addressed to the nick; USER and PASS are refused; the rest is not registration’s', () => {
    const registration = new IrcRegistration(info);
    feed(registration, 'NICK alice', 'USER a 0 * :A');
    registration.claimResult({ accepted: true });
    assert.deepEqual(sent(feed(registration, 'CAP REQ :message-tags')), [':irc.roomcast CAP alice ACK message-tags\r\n']);
    registration.nickChanged('alicia');
    assert.deepEqual(sent(feed(registration, 'CAP LIST')), [':irc.roomcast CAP alicia LIST message-tags\r\n']);
    assert.deepEqual(feed(registration, 'CAP END'), []);
    assert.deepEqual(commands(feed(registration, 'USER a 0 * :A', 'PASS x')), ['462', '462']);
    assert.deepEqual(commands(feed(registration, 'CAP FOO')), ['410']);
    for (const line of ['PRIVMSG #dev :hi', 'NICK bob', 'PING x', 'QUIT']) assert.equal(registration.handle(message(line)), undefined);
  });

  test('whatever a client sends: no exception, well-formed lines, claims only for valid nicks and one at a time', () => {
    const line = fc.oneof(
      fc.constantFrom('CAP LS 302', 'CAP LS', 'CAP REQ :batch', 'CAP REQ :nope', 'CAP END', 'CAP LIST', 'CAP', 'PASS x', 'PING :t', 'PONG'),
      fc.constantFrom('USER a 0 * :A', 'USER a', 'JOIN #dev', 'QUIT :bye'),
      fc.string({ maxLength: 30 }).map((nick) => `NICK :${nick.replace(/[\r\n\0]/g, '')}`),
    );
    const step = fc.oneof(line, fc.constantFrom('<accept>', '<refuse>'));
    fc.assert(
      fc.property(fc.array(step, { maxLength: 30 }), (steps) => {
        const registration = new IrcRegistration(info);
        let claimOpen = false;
        for (const stepLine of steps) {
          let outputs: RegistrationOutput[];
          if (stepLine.startsWith('<')) {
            if (!claimOpen) continue;
            outputs = registration.claimResult({ accepted: stepLine === '<accept>' });
            claimOpen = false;
          } else {
            outputs = registration.handle(message(stepLine)) ?? [];
          }
          for (const output of outputs) {
            if (output.kind === 'send') parsedLine(output.line);
            if (output.kind === 'claim') {
              assert.ok(!claimOpen, 'a second claim while one is open');
              assert.ok(isValidNick(output.nick));
              claimOpen = true;
            }
          }
          if (registration.phase === 'closed') claimOpen = false;
        }
      }),
      { numRuns: 500 },
    );
  });
});
