// Public API of @stepflow/transport-stdio: every export is listed here by name.
export {};
