#!/usr/bin/env node
// Entry point of the stepflow command.
console.error("stepflow: not built yet");
process.exitCode = 2;
