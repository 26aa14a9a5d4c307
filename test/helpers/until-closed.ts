// What a server says to a connection it refuses: everything it sends until it closes the connection.
import net from 'node:net';

/** Connects and returns everything the server sends until it closes; rejects if it has not closed in 5 s. */
export function everythingUntilClose(port: number, localAddress?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ port, host: '127.0.0.1', localAddress });
    let text = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`the server did not close the connection; it sent ${JSON.stringify(text)}`));
    }, 5000);
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (text += chunk));
    socket.on('error', () => {});
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(text);
    });
  });
}
