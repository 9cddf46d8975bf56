import { createMemoryBlobStore } from './index.ts';
import { blobStoreComplianceSuite } from './internal/blob-store-compliance.ts';

blobStoreComplianceSuite('memory', () => ({ store: createMemoryBlobStore() }));
