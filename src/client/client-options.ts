// The terminal client's command line: `npm run client -- --nick alice [--host H --port P]`.
import { Command, InvalidArgumentError } from 'commander';
import type { ChatConnectionOptions } from './chat-connection.ts';

export const defaultClientOptions: ChatConnectionOptions = {
  host: '127.0.0.1',
  port: 9999,
  nick: undefined,
  backoff: { baseDelayMs: 500, maxDelayMs: 15_000 },
  quitTimeoutMs: 3000,
};

function wholeNumber(min: number, max: number) {
  return (value: string): number => {
    if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
      throw new InvalidArgumentError(`expected a whole number from ${min} to ${max}`);
    }
    return Number(value);
  };
}

/** Parses the arguments; prints usage and exits non-zero on a bad flag. */
export function parseClientArgs(argv: readonly string[]): ChatConnectionOptions {
  const d = defaultClientOptions;
  const program = new Command('roomcast-client')
    .description('Terminal client for a roomcast chat server. Type to chat; /help lists the commands; /quit, Ctrl-C or Ctrl-D leave.')
    .option('--host <address>', 'server address', d.host)
    .option('--port <number>', 'server TCP port', wholeNumber(1, 65535), d.port)
    .option('--nick <name>', 'nickname (asked for when missing)')
    .option(
      '--retry-base-ms <ms>',
      'first reconnect delay; it doubles per failed attempt',
      wholeNumber(1, 3_600_000),
      d.backoff.baseDelayMs,
    )
    .option('--retry-max-ms <ms>', 'longest reconnect delay', wholeNumber(1, 3_600_000), d.backoff.maxDelayMs)
    .option('--quit-timeout-ms <ms>', 'how long to wait for the server to close after /quit', wholeNumber(0, 600_000), d.quitTimeoutMs)
    .showHelpAfterError()
    .allowExcessArguments(false)
    .parse(argv, { from: 'user' });
  const o = program.opts<{ host: string; port: number; nick?: string; retryBaseMs: number; retryMaxMs: number; quitTimeoutMs: number }>();
  return {
    host: o.host,
    port: o.port,
    nick: o.nick,
    backoff: { baseDelayMs: Math.min(o.retryBaseMs, o.retryMaxMs), maxDelayMs: o.retryMaxMs },
    quitTimeoutMs: o.quitTimeoutMs,
  };
}
