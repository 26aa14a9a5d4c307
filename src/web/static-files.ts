// The chat page's files, served by whoever owns the HTTP socket. The page is a fixed handful of files
// read once at start-up, so a request path is looked up in a map and never touches the file system:
// no path traversal, no symlink surprises, no I/O per request. Pure apart from loadWebFiles.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface WebFile {
  body: Buffer;
  contentType: string;
  etag: string;
}

export interface StaticResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

/** URL path → file in src/web. Everything else is a 404. */
const servedFiles: Record<string, { file: string; contentType: string }> = {
  '/': { file: 'index.html', contentType: 'text/html; charset=utf-8' },
  '/chat.js': { file: 'chat.js', contentType: 'text/javascript; charset=utf-8' },
  '/chat.css': { file: 'chat.css', contentType: 'text/css; charset=utf-8' },
  '/favicon.svg': { file: 'favicon.svg', contentType: 'image/svg+xml' },
};

export const webDirectory = fileURLToPath(new URL('.', import.meta.url));

/** Reads the page's files once; call at start-up (a missing file throws there, not on a request). */
export function loadWebFiles(directory = webDirectory): Map<string, WebFile> {
  const files = new Map<string, WebFile>();
  for (const [path, { file, contentType }] of Object.entries(servedFiles)) {
    const body = readFileSync(join(directory, file));
    files.set(path, { body, contentType, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"` });
  }
  return files;
}

/**
 * Nothing the page loads or connects to may come from elsewhere; the page repeats the first two rules in
 * a meta tag so they hold even when it is opened from a file. `connect-src 'self'` covers ws: to the same
 * host and port.
 */
export const contentSecurityPolicy =
  "default-src 'self'; connect-src 'self'; img-src 'self'; style-src 'self'; script-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

const commonHeaders = {
  'Content-Security-Policy': contentSecurityPolicy,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
};

const text = (status: number, message: string, extra: Record<string, string> = {}): StaticResponse => ({
  status,
  headers: { ...commonHeaders, 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store', ...extra },
  body: Buffer.from(`${message}\n`),
});

/**
 * The answer to one request for the page. `target` is the request target as sent (a query string is
 * ignored). Files are revalidated on each load (`no-cache` with an ETag), so a new version of the page is
 * picked up at once while an unchanged one costs a 304.
 */
export function respondStatic(
  files: ReadonlyMap<string, WebFile>,
  method: string,
  target: string,
  ifNoneMatch: string | undefined,
): StaticResponse {
  if (method !== 'GET' && method !== 'HEAD') return text(405, 'Method Not Allowed', { Allow: 'GET, HEAD' });
  const query = target.indexOf('?');
  const file = files.get(query === -1 ? target : target.slice(0, query));
  if (file === undefined) return text(404, 'Not Found');
  const headers = { ...commonHeaders, 'Content-Type': file.contentType, 'Cache-Control': 'no-cache', ETag: file.etag };
  if (ifNoneMatch === file.etag) return { status: 304, headers, body: Buffer.alloc(0) };
  return {
    status: 200,
    headers: { ...headers, 'Content-Length': String(file.body.length) },
    body: method === 'HEAD' ? Buffer.alloc(0) : file.body,
  };
}
