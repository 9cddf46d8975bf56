// Public API of @stepflow/transport-http: every export is listed here by name.
export {};
