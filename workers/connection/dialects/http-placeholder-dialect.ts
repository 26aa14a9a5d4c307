// The browser door's stand-in until the browser dialect is built: whatever a browser asks, it is told
// 503 with a sentence that says so, and the connection closes. It never chooses a nick, so it never
// reaches the coordinator; the handshake timeout ends a client that sends nothing.
import { httpRefusal } from '../../../src/acceptor/door-refusals.ts';
import type { RoomEventEncoder } from '../room-line-run.ts';
import type { Dialect, DialectFactory, DialectHost } from './dialect.ts';

const notBuilt = Buffer.from(httpRefusal('The browser door is not built yet.'));
const nothing = Buffer.alloc(0);
const noRoomEvents: RoomEventEncoder = { encode: () => nothing };

class HttpPlaceholderDialect implements Dialect {
  readonly roomEncoder = noRoomEvents;
  readonly #host: DialectHost;
  #answered = false;

  constructor(host: DialectHost) {
    this.#host = host;
  }

  receive(): void {
    if (this.#answered) return;
    this.#answered = true;
    this.#host.endWith(notBuilt);
  }

  nickSettled(): void {}

  encode(): Buffer {
    return nothing;
  }
}

export const createHttpPlaceholderDialect: DialectFactory = (_session, host) => new HttpPlaceholderDialect(host);
