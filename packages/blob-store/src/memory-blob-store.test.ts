import { createMemoryBlobStore } from './index.ts';
import { blobStoreComplianceSuite } from './testing.ts';

blobStoreComplianceSuite('memory', () => ({ store: createMemoryBlobStore() }));
