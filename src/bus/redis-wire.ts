// How RedisBus writes room events, nick holders and node members into Redis strings, and reads them back.
// Pure: the formats of docs/design/multi-node-bus.md §2.1.
import type { RoomEventKind } from '../thread-messages.ts';
import type { BusEpoch, BusRoomEvent, NickHolder, NodeMember, SequencedEvent } from './bus.ts';

type EventFields = [kind: RoomEventKind, nick: string, text: string, timeMs: number, node: string, connectionId: number];

/** The stream entry's `d` field and the tail of the live message: a JSON array, no field names. */
export function encodeEvent(event: BusRoomEvent): string {
  const fields: EventFields = [event.kind, event.nick, event.text, event.timeMs, event.node, event.connectionId];
  return JSON.stringify(fields);
}

/** Sequences are contiguous per room and epoch, so the previous event is always seq - 1. */
export function decodeEvent(room: string, epoch: BusEpoch, seq: number, data: string): SequencedEvent {
  const [kind, nick, text, timeMs, node, connectionId] = JSON.parse(data) as EventFields;
  return { room, epoch, seq, prevSeq: seq - 1, kind, nick, text, timeMs, node, connectionId };
}

/** A stream ID as the append script writes it: `<seq>-0`. */
export function streamId(seq: number): string {
  return `${seq}-0`;
}

export function seqOfStreamId(id: string): number {
  return Number(id.slice(0, id.indexOf('-')));
}

/** A live message is `seq epoch payload` (Centrifugo publishes `__p1:<offset>:<epoch>__<payload>`). */
export function decodeLiveMessage(room: string, message: string): SequencedEvent {
  const afterSeq = message.indexOf(' ');
  const afterEpoch = message.indexOf(' ', afterSeq + 1);
  return decodeEvent(room, message.slice(afterSeq + 1, afterEpoch), Number(message.slice(0, afterSeq)), message.slice(afterEpoch + 1));
}

/** A nick key's value: `node|conn|nick`; nicks and node ids contain no `|`. */
export function encodeNickHolder(holder: NickHolder): string {
  return `${holder.node}|${holder.connectionId}|${holder.nick}`;
}

export function decodeNickHolder(value: string): NickHolder {
  const [node, connectionId, nick] = value.split('|') as [string, string, string];
  return { node, connectionId: Number(connectionId), nick };
}

export function encodeMember(member: NodeMember): string {
  return JSON.stringify(member);
}

export function decodeMember(value: string): NodeMember {
  return JSON.parse(value) as NodeMember;
}
