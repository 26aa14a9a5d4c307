/**
 * Did every member of a room see the room's messages in the same order? Each member reports the
 * checkpoints of its rolling order hash (see DeliveryTracker); two members agree when their checkpoints
 * agree on their common prefix, so a member that left early or saw fewer messages at the end of the
 * drain is still compared.
 *
 * A member that lost messages has a different sequence from the loss on, which is not a reordering:
 * a mismatch involving a lossy member is "unverifiable", and only a mismatch between two lossless
 * members is "divergent".
 */
export interface MemberOrder {
  checkpoints: number[];
  lossless: boolean;
}

export interface RoomOrderVerdict {
  members: number;
  consistent: number;
  divergent: number;
  unverifiable: number;
}

function agreeOnPrefix(a: number[], b: number[]): boolean {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return false;
  return true;
}

export function checkRoomOrder(members: MemberOrder[]): RoomOrderVerdict {
  const verdict: RoomOrderVerdict = { members: members.length, consistent: 0, divergent: 0, unverifiable: 0 };
  if (members.length === 0) return verdict;
  const longestFirst = [...members].sort((a, b) => Number(b.lossless) - Number(a.lossless) || b.checkpoints.length - a.checkpoints.length);
  const reference = longestFirst[0];
  for (const m of members) {
    if (agreeOnPrefix(reference.checkpoints, m.checkpoints)) verdict.consistent++;
    else if (reference.lossless && m.lossless) verdict.divergent++;
    else verdict.unverifiable++;
  }
  return verdict;
}
