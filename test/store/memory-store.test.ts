import { MemoryStore } from '../../src/store/memory-store.ts';
import { describeStoreConformance } from './store-conformance.ts';

describeStoreConformance('MemoryStore', (options) => new MemoryStore(options));
