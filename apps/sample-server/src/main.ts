// Entry point: runs the sample component server (stdio by default).
export {};
