// Test helpers of @stepflow/transport-http/testing, for tests of code that uses the transports
// (not needed at run time): every export is listed here by name.
export { Inbox } from './testing/inbox.ts';
export { unusedPort } from './testing/unused-port.ts';
