// The Prometheus endpoint: a small HTTP server on the main thread that answers GET /metrics and nothing
// else. It is off unless --metrics-port is given and listens on loopback unless --metrics-host says
// otherwise: the figures describe the server's load and are for the operator, not for chat clients.
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ServerStats } from '../control-api.ts';
import { ServerMetrics } from './server-metrics.ts';

// A scraper needs one connection at a time; these bounds keep anything else that finds the port small.
const maxMetricsConnections = 16;
const headersTimeoutMs = 5000;
const requestTimeoutMs = 10_000;

export interface MetricsHttpServer {
  readonly address: AddressInfo;
  close(): Promise<void>;
}

/** Serves the metrics of the server whose figures `stats` gathers; resolves once listening. */
export async function startMetricsHttpServer(host: string, port: number, stats: () => Promise<ServerStats>): Promise<MetricsHttpServer> {
  const metrics = new ServerMetrics(stats);
  const server = http.createServer({ headersTimeout: headersTimeoutMs, requestTimeout: requestTimeoutMs }, (request, response) => {
    if (request.method !== 'GET' || request.url?.split('?')[0] !== '/metrics') {
      response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found: metrics are at GET /metrics\n');
      return;
    }
    metrics.scrape().then(
      (text) => response.writeHead(200, { 'content-type': metrics.contentType }).end(text),
      (error: Error) => response.writeHead(503, { 'content-type': 'text/plain; charset=utf-8' }).end(`${error.message}\n`),
    );
  });
  server.maxConnections = maxMetricsConnections;
  server.listen(port, host);
  await once(server, 'listening');
  return {
    address: server.address() as AddressInfo,
    async close() {
      const closed = once(server, 'close');
      server.close();
      server.closeAllConnections();
      await closed;
    },
  };
}
