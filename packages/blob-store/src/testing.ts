// Test helpers of @stepflow/blob-store (`@stepflow/blob-store/testing`); needs vitest.
export { blobStoreComplianceSuite } from './blob-store-compliance.ts';
export type { ComplianceSubject } from './blob-store-compliance.ts';
