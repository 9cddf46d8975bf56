// Public API of @stepflow/server-sdk: every export is listed here by name.
export {};
