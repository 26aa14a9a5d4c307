// Which pages may open the WebSocket (docs/websocket.md, "Origin"). A browser attaches its user's network
// position to any page's WebSocket, so without this check any site the user visits could chat as them on
// a server only their network reaches (cross-site WebSocket hijacking).

/**
 * True when a handshake may be upgraded: `origin` is the page's own (`http(s)://` + `host`), or listed in
 * `allowedOrigins` (--http-origin), or absent — only browsers send it, and a program could forge any.
 */
export function isAllowedOrigin(origin: string | undefined, host: string | undefined, allowedOrigins: readonly string[]): boolean {
  if (origin === undefined) return true;
  const normalised = origin.toLowerCase();
  if (allowedOrigins.some((allowed) => allowed.toLowerCase() === normalised)) return true;
  if (host === undefined) return false;
  const ownHost = host.toLowerCase();
  return normalised === `http://${ownHost}` || normalised === `https://${ownHost}`;
}
