// Nick and room name rules. Both are plain ASCII so they can never smuggle terminal escapes or
// look-alike characters into other people's screens, and so case-folding is unambiguous.
export const maxNickLength = 24;
export const maxRoomNameLength = 32;
export const defaultRoom = 'lobby';

const nickPattern = new RegExp(`^[A-Za-z_][A-Za-z0-9_-]{0,${maxNickLength - 1}}$`);
const roomPattern = new RegExp(`^[a-z0-9_-]{1,${maxRoomNameLength}}$`);

export function isValidNick(nick: string): boolean {
  return nickPattern.test(nick);
}

/** Nicks are unique regardless of case: "Alice" and "alice" are the same person. */
export function nickKey(nick: string): string {
  return nick.toLowerCase();
}

// `[pm] <nick> text` is a private message; a room called pm would print the same.
const reservedRoomNames = new Set(['pm']);

/** Room names are case-insensitive and may be written IRC-style with a leading '#'. */
export function normalizeRoomName(raw: string): string | undefined {
  const name = (raw.startsWith('#') ? raw.slice(1) : raw).toLowerCase();
  return roomPattern.test(name) && !reservedRoomNames.has(name) ? name : undefined;
}
