// Public API of @stepflow/sample-server: every export is listed here by name.
export {};
