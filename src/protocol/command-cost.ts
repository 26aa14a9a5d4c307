// What a command costs in flood-guard message tokens. A chat line costs one token, like every line when
// it is read; a listing costs more, because its answer is bigger than the line that asked for it and it
// costs the one coordinator thread that every room shares work of its own. The extra tokens are charged
// when the command is dispatched (FloodGuard.charge), so at the default 50 lines/s a client gets
// 10 /rooms or /who a second, or about 4 /history 100, and its chat waits while it repays them.
// (The bytes of each answer are charged to the asker's byte budget besides, when the answer arrives.)

/** /rooms: the whole server's room list. */
export const listRoomsCost = 5;
/** /who: a room's member list (up to 200 nicks). */
export const listMembersCost = 5;
/** /history N costs a base plus one token per this many lines asked for (/history 100: 11 tokens). */
const historyLinesPerToken = 10;
const historyBaseCost = 1;

export function historyCost(lines: number): number {
  return historyBaseCost + Math.ceil(lines / historyLinesPerToken);
}
