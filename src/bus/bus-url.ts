/** A bus URL fit for logs: scheme, host and port, never a password it may carry. */
export function describeBusUrl(url: string): string {
  const parsed = new URL(url);
  return `${parsed.protocol}//${parsed.host}`;
}
