// Reads one line from the server back into its parts: the inverse of src/protocol/server-lines.ts and
// of errorLine, so the client can tell rooms, private messages and errors apart. Pure, and tested by
// feeding it the server's own line builders.
import { historyPattern } from '../protocol/server-lines.ts';

export type ServerLine =
  | { kind: 'chat'; room: string; nick: string; text: string }
  | { kind: 'action'; room: string; nick: string; text: string }
  | { kind: 'notice'; room: string; text: string }
  | { kind: 'private'; from: string; text: string }
  | { kind: 'private-echo'; to: string; from: string; text: string }
  | { kind: 'info'; text: string }
  /** A line replayed by /history or on join: when it was first sent, and that line as it was then. */
  | { kind: 'history'; sentAtMs: number; raw: string; line: ServerLine }
  | { kind: 'error'; code: string; sentence: string }
  | { kind: 'other'; text: string };

// `[pm]` is matched before rooms: the protocol reserves that shape for private messages.
const privateMessage = /^\[pm\] <([^>\s]+)> (.*)$/s;
const privateEcho = /^\[pm -> ([^\]\s]+)\] <([^>\s]+)> (.*)$/s;
const chat = /^\[([^\]\s]+)\] <([^>\s]+)> (.*)$/s;
const action = /^\[([^\]\s]+)\] \* (\S+) (.*)$/s;
const notice = /^\[([^\]\s]+)\] -- (.*)$/s;
const info = /^-- (.*)$/s;
const error = /^!! ([A-Z_]+) (.*)$/s;

/** `line` is one line without its LF. */
export function parseServerLine(line: string): ServerLine {
  return parse(line, true);
}

function parse(line: string, replayAllowed: boolean): ServerLine {
  let m: RegExpExecArray | null;
  if ((m = privateMessage.exec(line))) return { kind: 'private', from: m[1]!, text: m[2]! };
  if ((m = privateEcho.exec(line))) return { kind: 'private-echo', to: m[1]!, from: m[2]!, text: m[3]! };
  if ((m = chat.exec(line))) return { kind: 'chat', room: m[1]!, nick: m[2]!, text: m[3]! };
  if ((m = action.exec(line))) return { kind: 'action', room: m[1]!, nick: m[2]!, text: m[3]! };
  if ((m = notice.exec(line))) return { kind: 'notice', room: m[1]!, text: m[2]! };
  if ((m = info.exec(line))) {
    const replayed = replayAllowed ? historyPattern.exec(m[1]!) : null;
    const sentAtMs = replayed === null ? Number.NaN : Date.parse(`${replayed[1]}T${replayed[2]}Z`);
    if (replayed === null || Number.isNaN(sentAtMs)) return { kind: 'info', text: m[1]! };
    const raw = replayed[3]!;
    // History holds room lines only, so a replay inside a replay is not one: one level, whatever the server sends.
    return { kind: 'history', sentAtMs, raw, line: parse(raw, false) };
  }
  if ((m = error.exec(line))) return { kind: 'error', code: m[1]!, sentence: m[2]! };
  return { kind: 'other', text: line };
}
