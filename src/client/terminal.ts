// The readline UI. On a TTY, a line from the server is printed above the prompt without garbling what
// the user is typing: the prompt and the partial input are erased, the line is printed, and readline
// redraws the prompt with the input and the cursor where they were. Without a TTY (piped input,
// tests) lines are read from stdin and printed plainly: no prompt, no escape codes.
//
// On a TTY readline leaves each typed line on the screen after Enter. A line the server echoes back
// (chat, actions, private messages) would then show twice, once as typed and once as the room sees it:
// the typed copy is erased, and the echo, with its room and time, is the one that stays.
import readline from 'node:readline';

export interface TerminalHandlers {
  /** A typed line; true if the server will echo it, so the typed copy can go. */
  line(text: string): boolean;
  /** Ctrl-C, Ctrl-D, end of input, SIGINT or SIGTERM. */
  quit(): void;
}

export class Terminal {
  readonly interactive: boolean;
  readonly #rl: readline.Interface;
  readonly #output: NodeJS.WriteStream;
  #closed = false;

  constructor(input: NodeJS.ReadStream, output: NodeJS.WriteStream, handlers: TerminalHandlers, completer: readline.Completer) {
    this.interactive = input.isTTY === true && output.isTTY === true;
    this.#output = output;
    this.#rl = readline.createInterface(
      this.interactive ? { input, output, terminal: true, historySize: 500, completer } : { input, terminal: false },
    );
    this.#rl.on('line', (text) => {
      if (!this.interactive) return void handlers.line(text);
      // Measured before the handler can change the prompt. readline has moved below the typed line.
      const typedRows = this.#displayRows(this.#rl.getPrompt() + text);
      if (!handlers.line(text) || this.#closed) return;
      readline.cursorTo(this.#output, 0);
      readline.moveCursor(this.#output, 0, -typedRows);
      readline.clearScreenDown(this.#output);
      this.#rl.prompt(true);
    });
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

  /** Rings the terminal's bell; nothing when not on a terminal (a bell in a log file helps nobody). */
  bell(): void {
    if (this.interactive && !this.#closed) this.#output.write('\u0007');
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

  /**
   * Rows that `text` takes on screen from column 0. readline's own measure (undocumented, like prevRows)
   * knows wide and combining characters; the fallback counts code points.
   */
  #displayRows(text: string): number {
    const rl = this.#rl as readline.Interface & { _getDisplayPos?: (text: string) => { rows: number } };
    if (rl._getDisplayPos !== undefined) return rl._getDisplayPos(text).rows + 1;
    const columns = this.#output.columns || 80;
    return Math.floor([...text].length / columns) + 1;
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
