// LineFramer on what a socket really delivers: 64-byte lines, either in full 64 KiB reads (a busy client)
// or in 1460-byte TCP segments, where most reads end in the middle of a line and the framer must keep and
// join the partial line.
import { defaultConfig } from '../../src/config.ts';
import { LineFramer, type LineSink } from '../../src/protocol/line-framer.ts';
import type { SuiteFactory } from './micro-suite.ts';

const lineBytes = 64;
const linesPerOp = 1024;

function chunksOf(stream: Buffer, size: number): Buffer[] {
  const chunks: Buffer[] = [];
  for (let start = 0; start < stream.length; start += size) chunks.push(stream.subarray(start, start + size));
  return chunks;
}

const open: SuiteFactory = async () => {
  const line = `${'x'.repeat(lineBytes - 1)}\n`;
  const stream = Buffer.from(line.repeat(linesPerOp));
  const framer = new LineFramer(defaultConfig.maxLineBytes);
  let framed = 0;
  const sink: LineSink = {
    line: () => void framed++,
    overflow: () => {
      throw new Error('no line here is too long');
    },
  };
  const frameAll = (chunks: readonly Buffer[]) => () => {
    for (const chunk of chunks) framer.push(chunk, sink);
    return framed;
  };
  return {
    concern: 'framing',
    tasks: [
      { name: '64 KiB reads', unit: 'lines', unitsPerOp: linesPerOp, fn: frameAll(chunksOf(stream, 64 * 1024)) },
      { name: '1460 B segments', unit: 'lines', unitsPerOp: linesPerOp, fn: frameAll(chunksOf(stream, 1460)) },
    ],
  };
};
export default open;
