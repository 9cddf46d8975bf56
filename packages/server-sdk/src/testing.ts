// Test helpers of @stepflow/server-sdk (`@stepflow/server-sdk/testing`).
export { createTestRuntime } from './test-runtime.ts';
export type {
  TestRuntime,
  TestRuntimeOptions,
  TestExecuteOptions,
  RecordedCall,
  EvaluateFlowHandler,
} from './test-runtime.ts';
