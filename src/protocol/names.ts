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

// Nicks are unique up to case and up to look-alikes, so nobody can pass as "alice" with "aIice" or as
// "bob" with "b0b". The pairs are the ASCII entries of Unicode's confusables.txt (UTS #39) that nicks can
// contain — 0 → O, 1 → l, I → l, m → rn — closed under case: I ≅ l and I ≅ i make i, I, l, L and 1 one
// letter, and 0, o and O another. A UTS #39 skeleton alone is not closed under case ("ALICE" would skeleton
// to "ALlCE"), so the key is the lower-cased nick with each class replaced by one member.
const lookAlikes = /[1il0]|m/g;
const lookAlikeClass: Record<string, string> = { '1': 'l', i: 'l', l: 'l', '0': 'o', m: 'rn' };

/** The key under which a nick is unique: "Alice", "aIice", "a1ice" and "ALICE" share one. */
export function nickKey(nick: string): string {
  return nick.toLowerCase().replace(lookAlikes, (char) => lookAlikeClass[char]!);
}

// `[pm] <nick> text` is a private message; a room called pm would print the same.
export const reservedRoomNames: ReadonlySet<string> = new Set(['pm']);

/** Room names are case-insensitive and may be written IRC-style with a leading '#'. */
export function normalizeRoomName(raw: string): string | undefined {
  const name = (raw.startsWith('#') ? raw.slice(1) : raw).toLowerCase();
  return roomPattern.test(name) && !reservedRoomNames.has(name) ? name : undefined;
}
