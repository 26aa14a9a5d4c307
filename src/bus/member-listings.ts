// Listings across nodes from the members every live node reports (`/rooms`, `LIST`, `/who`, `NAMES`).

/** Rooms with their member counts. */
export function roomCounts(members: Iterable<{ rooms: string[] }>): Map<string, number> {
  const counts = new Map<string, number>();
  for (const member of members) for (const room of member.rooms) counts.set(room, (counts.get(room) ?? 0) + 1);
  return counts;
}

/** The nicks in one room. */
export function roomNicks(members: Iterable<{ nick: string; rooms: string[] }>, room: string): string[] {
  const nicks: string[] = [];
  for (const member of members) if (member.rooms.includes(room)) nicks.push(member.nick);
  return nicks;
}
