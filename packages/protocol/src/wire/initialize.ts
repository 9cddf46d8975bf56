import { z } from 'zod';
import { uint32 } from '../internal/numbers.ts';
import type {
  NotificationMethodDefinition,
  RequestMethodDefinition,
} from '../method-definition.ts';
import { ObservabilityContextSchema } from './observability.ts';

/** Schema for `initialize` params, sent by the runtime to start the handshake. */
export const InitializeParamsSchema = z.looseObject({
  /** Highest protocol version the runtime speaks (currently `PROTOCOL_VERSION`). */
  runtime_protocol_version: uint32(),
  /** Trace context for the handshake (no run or flow). */
  observability: ObservabilityContextSchema.nullish(),
});

/** Params of the `initialize` request. */
export type InitializeParams = z.infer<typeof InitializeParamsSchema>;

/** Schema for the `initialize` result returned by the component server. */
export const InitializeResultSchema = z.looseObject({
  /** Protocol version the component server speaks. */
  server_protocol_version: uint32(),
});

/** Result of the `initialize` request. */
export type InitializeResult = z.infer<typeof InitializeResultSchema>;

/** Schema for the `initialized` notification params (an empty object), which ends the handshake. */
export const InitializedParamsSchema = z.looseObject({});

/** Params of the `initialized` notification. */
export type InitializedParams = z.infer<typeof InitializedParamsSchema>;

/** The handshake methods: `initialize` then the `initialized` notification, both runtime → server. */
export const initializeMethods = {
  initialize: {
    direction: 'runtimeToServer',
    kind: 'request',
    params: InitializeParamsSchema,
    result: InitializeResultSchema,
  },
  initialized: {
    direction: 'runtimeToServer',
    kind: 'notification',
    params: InitializedParamsSchema,
  },
} as const satisfies Record<string, RequestMethodDefinition | NotificationMethodDefinition>;
