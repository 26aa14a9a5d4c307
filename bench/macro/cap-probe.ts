/**
 * Probes a roomcast server at its connection cap: opens raw connections past it and classifies each by
 * the first line it gets (welcome or `!! SERVER_FULL`), then checks that a fresh client is still served a
 * whole chat round trip once the probes are gone.
 */
import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

export interface ProbeResult {
  attempted: number;
  admitted: number;
  refusedServerFull: number;
  /** Refused connections the server closed after its error line. */
  refusedAndClosed: number;
  /** Closed without a line, connect errors, or nothing within the timeout. */
  other: number;
  sampleRefusal: string;
  /** After the probes: a new client joined and saw its own message come back. */
  servesAfter: boolean;
}

const answerTimeoutMs = 5000;
const batch = 100;

interface Opened {
  socket: net.Socket;
  firstLine: Promise<string | null>;
  closed: Promise<void>;
}

function open(host: string, port: number): Opened {
  const socket = net.connect(port, host);
  socket.setEncoding('utf8');
  socket.on('error', () => {});
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  const firstLine = new Promise<string | null>((resolve) => {
    let text = '';
    const timer = setTimeout(() => resolve(null), answerTimeoutMs);
    socket.on('data', (chunk: string) => {
      text += chunk;
      const lf = text.indexOf('\n');
      if (lf === -1) return;
      clearTimeout(timer);
      resolve(text.slice(0, lf));
    });
    void closed.then(() => {
      clearTimeout(timer);
      resolve(text.length > 0 ? text : null);
    });
  });
  return { socket, firstLine, closed };
}

/** Waits for a line matching `want` on a socket, or gives up after the timeout. */
function lineSeen(socket: net.Socket, want: string): Promise<boolean> {
  return new Promise((resolve) => {
    let text = '';
    const timer = setTimeout(() => resolve(false), answerTimeoutMs);
    socket.on('data', (chunk: string) => {
      text += chunk;
      if (!text.split('\n').includes(want)) return;
      clearTimeout(timer);
      resolve(true);
    });
  });
}

async function chatRoundTrip(host: string, port: number, attempt: number): Promise<boolean> {
  const nick = `capprobe${process.pid}n${attempt}`;
  const { socket } = open(host, port);
  try {
    const joined = lineSeen(socket, `[lobby] -- ${nick} joined`);
    socket.write(`${nick}\n`);
    if (!(await joined)) return false;
    const echoed = lineSeen(socket, `[lobby] <${nick}> still serving`);
    socket.write('still serving\n');
    return await echoed;
  } finally {
    socket.destroy();
  }
}

/** The server learns of the probes' closes asynchronously, so a slot may free up a moment later. */
async function servesAfterProbes(host: string, port: number): Promise<boolean> {
  for (let attempt = 1; attempt <= 5; attempt++) {
    if (await chatRoundTrip(host, port, attempt)) return true;
    await sleep(500);
  }
  return false;
}

export async function probeCap(host: string, port: number, connections: number): Promise<ProbeResult> {
  const opened: Opened[] = [];
  const lines: (string | null)[] = [];
  for (let i = 0; i < connections; i += batch) {
    const group = Array.from({ length: Math.min(batch, connections - i) }, () => open(host, port));
    opened.push(...group);
    lines.push(...(await Promise.all(group.map((o) => o.firstLine))));
  }
  const refused = opened.filter((_, i) => lines[i]?.startsWith('!! SERVER_FULL') === true);
  const closedInTime = await Promise.all(
    refused.map((o) => Promise.race([o.closed.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), answerTimeoutMs))])),
  );
  const admitted = lines.filter((l) => l?.startsWith('-- Welcome')).length;
  for (const o of opened) o.socket.destroy();
  await Promise.all(opened.map((o) => o.closed));
  return {
    attempted: connections,
    admitted,
    refusedServerFull: refused.length,
    refusedAndClosed: closedInTime.filter(Boolean).length,
    other: connections - admitted - refused.length,
    sampleRefusal: lines.find((l) => l?.startsWith('!!') === true) ?? '',
    servesAfter: await servesAfterProbes(host, port),
  };
}
