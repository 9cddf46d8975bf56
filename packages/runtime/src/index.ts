// Public API of @stepflow/runtime: every export is listed here by name.
export {};
