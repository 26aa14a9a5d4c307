// The receiving thread of cross-thread.bench.ts. It counts messages however they are batched (an array
// counts as its length, packed bytes as their number of lines) and acknowledges every `messagesPerAck`,
// so the sender times delivery to another thread, not just the cost of posting.
import { workerData, type MessagePort } from 'node:worker_threads';

export interface MessageSinkData {
  port: MessagePort;
  messagesPerAck: number;
}

const { port, messagesPerAck } = workerData as MessageSinkData;
let received = 0;

function messagesIn(message: unknown): number {
  if (Array.isArray(message)) return message.length;
  if (!(message instanceof ArrayBuffer)) return 1;
  // Packed lines must be split by whoever receives them, so finding each LF is part of the cost.
  const bytes = Buffer.from(message);
  let lines = 0;
  for (let end = bytes.indexOf(10); end !== -1; end = bytes.indexOf(10, end + 1)) lines++;
  return lines;
}

port.on('message', (message: unknown) => {
  received += messagesIn(message);
  while (received >= messagesPerAck) {
    received -= messagesPerAck;
    port.postMessage('ack');
  }
});
