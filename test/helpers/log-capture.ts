// Log records in tests: a pino logger that keeps its records in memory, for an in-process server (a child
// server's records are read from its output: harness/log-records.ts).
import { pino, type Logger } from 'pino';
import type { LogRecord } from '../../harness/log-records.ts';

export function captureLog(): { log: Logger; records: LogRecord[] } {
  const records: LogRecord[] = [];
  const log = pino({ level: 'trace' }, { write: (line: string) => records.push(JSON.parse(line) as LogRecord) });
  return { log, records };
}
