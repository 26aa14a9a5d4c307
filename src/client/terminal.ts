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
    this.#rl.on('close', quit);
    process.on('SIGINT', quit);
    process.on('SIGTERM', quit);
    if (this.interactive) this.#rl.prompt();
  }

  print(text: string): void {
    if (!this.interactive) {
      this.#output.write(`${text}\n`);
      return;
    }
    this.#erasePrompt();
    this.#output.write(`${text}\n`);
    if (!this.#closed) this.#rl.prompt(true);
  }

  setPrompt(prompt: string): void {
    if (!this.interactive || this.#closed || prompt === this.#rl.getPrompt()) return;
    this.#erasePrompt();
    this.#rl.setPrompt(prompt);
    this.#rl.prompt(true);
  }

  close(): void {
    if (this.#closed) return;
    if (this.interactive) this.#erasePrompt();
    this.#closed = true;
    this.#rl.close();
  }

  /** Moves to the start of the prompt (the input may wrap over several rows) and clears to the end. */
  #erasePrompt(): void {
    if (this.#closed) return;
    const { rows } = this.#rl.getCursorPos();
    readline.cursorTo(this.#output, 0);
    readline.moveCursor(this.#output, 0, -rows);
    readline.clearScreenDown(this.#output);
  }
}
