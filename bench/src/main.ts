// Runs every benchmark and prints one table.
export {};
