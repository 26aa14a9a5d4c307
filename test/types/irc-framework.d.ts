// The little of irc-framework (a real IRC client library, used only by tests) that tests call; it ships
// no types of its own.
declare module 'irc-framework' {
  import type { EventEmitter } from 'node:events';

  export class Client extends EventEmitter {
    constructor(options?: Record<string, unknown>);
    connect(options?: Record<string, unknown>): void;
    changeNick(nick: string): void;
    join(channel: string): void;
    say(target: string, message: string): void;
    action(target: string, message: string): void;
    quit(message?: string): void;
    readonly network: { readonly cap: { readonly enabled: string[] } };
    readonly user: { readonly nick: string };
  }
}
