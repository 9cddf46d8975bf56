// Public API of @stepflow/blob-store: every export is listed here by name.
export {};
