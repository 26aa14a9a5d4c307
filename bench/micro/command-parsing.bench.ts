// parseCommand on the lines a server sees most (plain chat) and on a mix of every command shape.
import { parseCommand } from '../../src/protocol/command-parser.ts';
import type { SuiteFactory } from './micro-suite.ts';

const chatLines = Array.from({ length: 64 }, (_, i) => `message ${i} from a publisher, padded to a realistic size`);
const mixedLines = [
  'hello everyone',
  '//slash at the start',
  '/me waves',
  '/join #Dev-Ops',
  '/msg bob are you there?',
  '/nick alice_2',
  '/history 20',
  '/who',
  '/part dev-ops',
  '/frobnicate now',
];

const parseAll = (lines: readonly string[]) => () => {
  let kinds = 0;
  for (const line of lines) kinds += parseCommand(line).kind.length;
  return kinds;
};

const open: SuiteFactory = async () => ({
  concern: 'command parsing',
  tasks: [
    { name: 'plain chat lines', unit: 'lines', unitsPerOp: chatLines.length, fn: parseAll(chatLines) },
    { name: 'mixed commands', unit: 'lines', unitsPerOp: mixedLines.length, fn: parseAll(mixedLines) },
  ],
});
export default open;
