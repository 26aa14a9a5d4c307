// A pino logger that keeps its records in memory, for asserting on what an in-process server logged.
import { pino, type Logger } from 'pino';

export interface LogRecord {
  level: number;
  msg: string;
  [field: string]: unknown;
}

export function captureLog(): { log: Logger; records: LogRecord[] } {
  const records: LogRecord[] = [];
  const log = pino({ level: 'trace' }, { write: (line: string) => records.push(JSON.parse(line) as LogRecord) });
  return { log, records };
}
