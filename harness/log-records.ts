// The log records a roomcast child process printed: one pino JSON record per line (--log-format json is
// the default when stdout is not a terminal).
export interface LogRecord {
  level: number;
  msg: string;
  [field: string]: unknown;
}

/** pino's level for fatal records; a line that is not a record (e.g. a stack trace) counts as one. */
const fatal = 60;

/** The records in a child's output, complete lines only; a line that is not JSON becomes a fatal record. */
export function parseLogOutput(output: string): LogRecord[] {
  return output
    .slice(0, output.lastIndexOf('\n') + 1)
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => {
      try {
        return JSON.parse(line) as LogRecord;
      } catch {
        return { level: fatal, msg: line };
      }
    });
}
