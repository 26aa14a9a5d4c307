import type { ProtocolName } from '../types.ts';
import { ircAdapter } from './irc.ts';
import { natsAdapter } from './nats.ts';
import type { ProtocolAdapter } from './protocol-adapter.ts';
import { redisAdapter } from './redis.ts';
import { roomcastAdapter } from './roomcast.ts';
import { seedAdapter } from './seed.ts';
import { wsAdapter } from './ws.ts';

export const protocolAdapters: Record<ProtocolName, ProtocolAdapter> = {
  roomcast: roomcastAdapter,
  seed: seedAdapter,
  nats: natsAdapter,
  redis: redisAdapter,
  irc: ircAdapter,
  ws: wsAdapter,
};
