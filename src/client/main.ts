// `npm run client -- --nick alice [--host H --port P]`: chat with a roomcast server from a terminal.
import { ChatConnection } from './chat-connection.ts';
import { parseClientArgs } from './client-options.ts';
import { promptFor, styleServerLine, styleStatus } from './presentation.ts';
import { Terminal } from './terminal.ts';

const options = parseClientArgs(process.argv.slice(2));
const terminal = new Terminal(process.stdin, process.stdout, {
  line: (text) => chat.type(text),
  quit: () => chat.quit(),
});
const colour = terminal.interactive && process.stdout.hasColors();
const chat = new ChatConnection(options, {
  serverLine: (raw, line) => terminal.print(styleServerLine(raw, line, chat.state.nick, colour)),
  status: (text) => terminal.print(styleStatus(text, colour)),
  changed: () => terminal.setPrompt(promptFor(chat.state)),
  finished: () => {
    terminal.close();
    process.exit(0);
  },
});
terminal.setPrompt(promptFor(chat.state));
chat.start();
