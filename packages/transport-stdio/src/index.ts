// Public API of @stepflow/transport-stdio: every export is listed here by name.
export { createStdioServerTransport } from './stdio-server-transport.ts';
export type { StdioServerTransportOptions } from './stdio-server-transport.ts';
export { spawnStdioTransport } from './spawn-stdio-transport.ts';
export type { SpawnStdioTransportOptions, StdioChildTransport } from './spawn-stdio-transport.ts';
export { killStdioChildren } from './kill-stdio-children.ts';
export { DEFAULT_MAX_MESSAGE_BYTES } from './framing-options.ts';
export type { FramingOptions } from './framing-options.ts';
export { MessageTooLargeError } from './message-too-large-error.ts';
export { InvalidJsonLineError } from './invalid-json-line-error.ts';
export { ChildProcessExitedError } from './child-process-exited-error.ts';
export type { ChildExitInfo } from './child-process-exited-error.ts';
export { ChildProcessSpawnError } from './child-process-spawn-error.ts';
