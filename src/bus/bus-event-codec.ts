// A room event as it travels on a bus: a JSON array, so the field names are not repeated in every message.
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
