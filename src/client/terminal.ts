// The readline UI. On a TTY, a line from the server is printed above the prompt without garbling what
// the user is typing: the prompt and the partial input are erased, the line is printed, and readline
// redraws the prompt with the input and the cursor where they were. Without a TTY (piped input,
// tests) lines are read from stdin and printed plainly: no prompt, no escape codes.
import readline from 'node:readline';

export interface TerminalHandlers {
  line(text: string): void;
  /** Ctrl-C, Ctrl-D, end of input, SIGINT or SIGTERM. */
  quit(): void;
}

export class Terminal {
  readonly interactive: boolean;
  readonly #rl: readline.Interface;
  readonly #output: NodeJS.WriteStream;
  #closed = false;

  constructor(input: NodeJS.ReadStream, output: NodeJS.WriteStream, handlers: TerminalHandlers) {
    this.interactive = input.isTTY === true && output.isTTY === true;
    this.#output = output;
    this.#rl = readline.createInterface(
      this.interactive ? { input, output, terminal: true, historySize: 500 } : { input, terminal: false },
    );
    this.#rl.on('line', (text) => handlers.line(text));
    const quit = () => {
      if (!this.#closed) handlers.quit();
    };
    // On a TTY readline owns Ctrl-C (raw mode) and reports it here; otherwise it is a real signal.
    this.#rl.on('SIGINT', quit);
    process.on('SIGINT', quit);
    process.on('SIGTERM', quit);
    // Ctrl-D or the end of piped input closes readline itself: the prompt goes, and whatever the server
    // still says (its goodbye) is printed plainly.
    this.#rl.on('close', () => {
      if (this.#closed) return;
      if (this.interactive) this.#erasePrompt();
      this.#closed = true;
      handlers.quit();
    });
    if (this.interactive) this.#rl.prompt();
  }

  print(text: string): void {
    if (!this.interactive || this.#closed) {
      this.#output.write(`${text}\n`);
      return;
    }
    this.#erasePrompt();
    // readline's redraw starts by moving up `prevRows` rows: where it last saw the cursor below the
    // prompt's first row. The empty lines give it room to do so without climbing onto the text just
    // printed; they are newlines rather than cursor moves so that they scroll a full screen. prevRows is
    // an undocumented field (in readline since Node 0.x) and can lag behind the cursor after a paste
    // that wraps, so it is read rather than derived from getCursorPos().
    this.#output.write(`${text}\n${'\n'.repeat(this.#readlineRowsAboveCursor())}`);
    this.#rl.prompt(true);
  }

  setPrompt(prompt: string): void {
    if (!this.interactive || this.#closed || prompt === this.#rl.getPrompt()) return;
    this.#rl.setPrompt(prompt);
    this.#rl.prompt(true);
  }

  close(): void {
    if (this.#closed) return;
    if (this.interactive) this.#erasePrompt();
    this.#closed = true;
    this.#rl.close(); // its close event now finds #closed set: no second quit
  }

  #readlineRowsAboveCursor(): number {
    const { prevRows } = this.#rl as readline.Interface & { prevRows?: number };
    return prevRows ?? this.#rl.getCursorPos().rows;
  }

  /** Moves to the start of the prompt (the input may wrap over several rows) and clears to the end. */
  #erasePrompt(): void {
    const { rows } = this.#rl.getCursorPos();
    readline.cursorTo(this.#output, 0);
    readline.moveCursor(this.#output, 0, -rows);
    readline.clearScreenDown(this.#output);
  }
}
