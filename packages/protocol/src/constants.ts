// Plain values, apart from the schemas that use them: importing one of these loads no zod.

/** The required value of a flow's `schema` key. */
export const FLOW_SCHEMA_URL = 'https://stepflow.org/schemas/v1/flow.json';

/** The protocol version this package speaks, sent as `runtime_protocol_version` / `server_protocol_version`. */
export const PROTOCOL_VERSION = 1;
