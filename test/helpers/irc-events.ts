// Waiting on an irc-framework client (a real IRC client library) for one of its events.
import type { Client } from 'irc-framework';
import { within } from './wait-until.ts';

/** The next `event` from `client` that satisfies `matches`; rejects after timeoutMs. */
export function nextIrcEvent<T = Record<string, unknown>>(
  client: Client,
  event: string,
  timeoutMs: number,
  matches: (value: T) => boolean = () => true,
): Promise<T> {
  return within(
    new Promise<T>((resolve) => {
      const listener = (value: T) => {
        if (!matches(value)) return;
        client.off(event, listener);
        resolve(value);
      };
      client.on(event, listener);
    }),
    timeoutMs,
    `${event} on ${client.user.nick}`,
  );
}
