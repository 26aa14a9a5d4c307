// How a report that starts its own brokers ends: the brokers go when it finishes or fails, and on Ctrl-C
// (or SIGTERM) whatever it still runs is stopped with them before it exits with 130.
import { stopPrivateBrokers } from './private-brokers.ts';

export async function runWithPrivateBrokers(
  main: () => Promise<void>,
  interrupted: { abort(): void; stopRunning(): Promise<unknown>[]; log(line: string): void; what: string },
): Promise<void> {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      interrupted.log(`${signal}: stopping the load tool, ${interrupted.what} and the brokers`);
      interrupted.abort();
      void Promise.allSettled([...interrupted.stopRunning(), stopPrivateBrokers()]).finally(() => process.exit(130));
    });
  }
  try {
    await main();
  } finally {
    await stopPrivateBrokers();
  }
}
