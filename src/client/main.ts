// `npm run client -- --nick alice [--host H --port P] [--tls [--ca FILE]]`: chat with a roomcast server from a terminal.
import { parseCommand } from '../protocol/command-parser.ts';
import { ChatConnection } from './chat-connection.ts';
import { parseClientArgs } from './client-options.ts';
import { complete } from './completion.ts';
import { addressesMe } from './mention.ts';
import { promptFor, styleServerLine, styleStatus } from './presentation.ts';
import { Terminal } from './terminal.ts';

/** Lines the server sends back to their sender: on a terminal the typed copy gives way to the echo. */
const echoedKinds = new Set(['say', 'me', 'msg']);

const options = parseClientArgs(process.argv.slice(2));
const terminal = new Terminal(
  process.stdin,
  process.stdout,
  {
    line: (text) => {
      const sent = chat.type(text);
      return sent !== undefined && chat.state.phase === 'chatting' && echoedKinds.has(parseCommand(sent).kind);
    },
    quit: () => chat.quit(),
  },
  (line) => {
    const { state, router } = chat;
    const roomNicks = state.currentRoom === undefined ? [] : state.members.of(state.currentRoom);
    const allNicks = [...state.members.all(), ...(router.lastPrivateFrom === undefined ? [] : [router.lastPrivateFrom])];
    return complete(line, { roomNicks, allNicks, rooms: state.rooms, ownNick: state.nick });
  },
);
const colour = terminal.interactive && process.stdout.hasColors();
const chat = new ChatConnection(options, {
  serverLine: (raw, line) => {
    terminal.print(styleServerLine(raw, line, chat.state.nick, colour, Date.now()));
    if (addressesMe(line, chat.state.nick)) terminal.bell();
  },
  status: (text) => terminal.print(styleStatus(text, colour, Date.now())),
  changed: () => terminal.setPrompt(promptFor(chat.state, chat.router.query)),
  finished: () => {
    terminal.close();
    process.exit(0);
  },
  gaveUp: (reason) => {
    terminal.close();
    process.stderr.write(`roomcast-client: ${reason}\n`);
    process.exit(1);
  },
});
terminal.setPrompt(promptFor(chat.state, chat.router.query));
chat.start();
