import { MemoryBus, MemoryEngine } from '../../src/bus/memory-bus.ts';
import { describeBusConformance } from './bus-conformance.ts';

describeBusConformance('MemoryBus', async () => {
  // A prefix names a service on an engine; in memory, each service simply has an engine of its own.
  const engines = new Map<string, MemoryEngine>();
  const engineFor = (prefix: string) => engines.get(prefix) ?? engines.set(prefix, new MemoryEngine()).get(prefix)!;
  return {
    makeBus: (options) => new MemoryBus(engineFor(options.prefix), options),
    crash: async (bus) => (bus as MemoryBus).crash(),
    close: async () => {},
  };
});
