// A room event as NatsBus stores it in the stream: a JSON array without field names, the same array as
// redis-wire.ts (the sequence and the previous one travel in NATS headers instead).
import type { BusRoomEvent } from './bus.ts';

type WireEvent = [kind: BusRoomEvent['kind'], nick: string, text: string, timeMs: number, node: string, connectionId: number];

export function encodeBusEvent(event: BusRoomEvent): string {
  const wire: WireEvent = [event.kind, event.nick, event.text, event.timeMs, event.node, event.connectionId];
  return JSON.stringify(wire);
}

export function decodeBusEvent(payload: string): BusRoomEvent {
  const [kind, nick, text, timeMs, node, connectionId] = JSON.parse(payload) as WireEvent;
  return { kind, nick, text, timeMs, node, connectionId };
}
