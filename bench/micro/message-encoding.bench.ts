// Why a room line is turned into bytes once: with 200 members (the load test's scenario 1), formatting
// and encoding per recipient repeats the same work 200 times, while encode-once shares one Buffer.
import { chatLine } from '../../src/protocol/server-lines.ts';
import type { SuiteFactory } from './micro-suite.ts';

const recipients = 200;
const text = 'a 64-byte chat line is about this long, give or take';

const open: SuiteFactory = async () => {
  // Each recipient's output slot, as ClientOutput would queue it; reused so only encoding is measured.
  const queued = new Array<Buffer>(recipients);
  return {
    concern: 'message encoding',
    tasks: [
      {
        name: `per recipient (${recipients})`,
        unit: 'deliveries',
        unitsPerOp: recipients,
        fn: () => {
          for (let i = 0; i < recipients; i++) queued[i] = Buffer.from(chatLine('lobby', 'alice', text));
        },
      },
      {
        name: `once (${recipients})`,
        unit: 'deliveries',
        unitsPerOp: recipients,
        baseline: `per recipient (${recipients})`,
        fn: () => {
          const bytes = Buffer.from(chatLine('lobby', 'alice', text));
          for (let i = 0; i < recipients; i++) queued[i] = bytes;
        },
      },
    ],
  };
};
export default open;
