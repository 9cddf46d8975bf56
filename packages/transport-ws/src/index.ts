// Public API of @stepflow/transport-ws: every export is listed here by name.
export {};
