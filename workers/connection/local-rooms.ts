// room → this worker's members of it. The coordinator sends each room line once per worker; this map
// turns it into one write per local member.
export class LocalRooms<Member> {
  readonly #members = new Map<string, Set<Member>>();

  add(room: string, member: Member): void {
    let members = this.#members.get(room);
    if (members === undefined) this.#members.set(room, (members = new Set()));
    members.add(member);
  }

  remove(room: string, member: Member): void {
    const members = this.#members.get(room);
    if (members === undefined) return;
    members.delete(member);
    if (members.size === 0) this.#members.delete(room);
  }

  membersOf(room: string): ReadonlySet<Member> | undefined {
    return this.#members.get(room);
  }

  get roomCount(): number {
    return this.#members.size;
  }
}
