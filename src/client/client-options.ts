// The terminal client's command line: `npm run client -- --nick alice [--host H --port P] [--tls [--ca FILE]]`.
import { readFileSync } from 'node:fs';
import { Command, InvalidArgumentError, Option } from 'commander';
import type { ChatConnectionOptions } from './chat-connection.ts';

export const defaultClientOptions: ChatConnectionOptions = {
  host: '127.0.0.1',
  port: 9999,
  nick: undefined,
  tls: undefined,
  backoff: { baseDelayMs: 500, maxDelayMs: 15_000 },
  connectTries: 4,
  quitTimeoutMs: 3000,
};
/** The server's default --tls-port. */
export const defaultTlsPort = 9998;

function wholeNumber(min: number, max: number) {
  return (value: string): number => {
    if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
      throw new InvalidArgumentError(`expected a whole number from ${min} to ${max}`);
    }
    return Number(value);
  };
}

function fileContents(path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    throw new InvalidArgumentError(`cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
}

/** Parses the arguments; prints usage and exits non-zero on a bad flag. */
export function parseClientArgs(argv: readonly string[]): ChatConnectionOptions {
  const d = defaultClientOptions;
  const program = new Command('roomcast-client')
    .description(
      'Terminal client for a roomcast chat server. Type to chat; /help lists the commands; Tab completes nicks and commands; /quit, Ctrl-C or Ctrl-D leave.',
    )
    .option('--host <address>', 'server address', d.host)
    .option('--port <number>', `server port (default: ${d.port}, or ${defaultTlsPort} with --tls)`, wholeNumber(1, 65535))
    .option('--nick <name>', 'nickname (asked for when missing)')
    .option('--tls', "speak TLS (the server's --tls-port); the certificate is verified")
    .addOption(
      new Option('--ca <file>', "PEM file of the CA (or the self-signed certificate) to trust for the server's certificate; implies --tls")
        .argParser(fileContents)
        .implies({ tls: true }),
    )
    .option(
      '--connect-tries <n>',
      'tries before giving up when no session was ever reached (after one was, retries never stop)',
      wholeNumber(1, 1000),
      d.connectTries,
    )
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
  const o = program.opts<{
    host: string;
    port?: number;
    nick?: string;
    tls?: boolean;
    ca?: Buffer;
    connectTries: number;
    retryBaseMs: number;
    retryMaxMs: number;
    quitTimeoutMs: number;
  }>();
  const secure = o.tls === true;
  return {
    host: o.host,
    port: o.port ?? (secure ? defaultTlsPort : d.port),
    nick: o.nick,
    tls: secure ? { ca: o.ca } : undefined,
    backoff: { baseDelayMs: Math.min(o.retryBaseMs, o.retryMaxMs), maxDelayMs: o.retryMaxMs },
    connectTries: o.connectTries,
    quitTimeoutMs: o.quitTimeoutMs,
  };
}
