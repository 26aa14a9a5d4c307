// The bus --bus names: redis:// or rediss:// is RedisBus, nats:// NatsBus. It is loaded only when asked for, so a single
// node loads no broker client.
import type { ServerConfig } from '../config.ts';
import type { Logger } from '../log.ts';
import type { Bus, BusOptions } from './bus.ts';

export async function createBus(config: ServerConfig, log: Logger): Promise<Bus> {
  const url = config.busUrl;
  if (url === undefined) throw new Error('no --bus given');
  const options: BusOptions = {
    prefix: config.busPrefix,
    historySize: config.historySize,
    timings: { heartbeatMs: config.busHeartbeatMs, nickTtlMs: config.busNickTtlMs },
    log,
    dropLiveEvery: config.busTestDropLive,
  };
  if (url.startsWith('nats://')) {
    const { NatsBus } = await import('./nats-bus.ts');
    return new NatsBus(url, options);
  }
  const { RedisBus } = await import('./redis-bus.ts');
  return new RedisBus(url, options);
}
