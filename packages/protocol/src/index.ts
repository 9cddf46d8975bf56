// Public API of @stepflow/protocol: every export is listed here by name.
export {};
