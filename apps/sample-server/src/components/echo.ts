import type { ComponentServer } from '@stepflow/server-sdk';

/** Registers `/echo`: returns its input unchanged (no schema, so nothing to validate: used by benchmarks). */
export function addEcho(server: ComponentServer): void {
  server.component('echo', { description: 'Returns its input unchanged' }, (input) => input);
}
