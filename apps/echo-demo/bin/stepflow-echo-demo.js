#!/usr/bin/env node
// The `stepflow-echo-demo` command. A committed launcher rather than the built file itself, so
// that a package manager can link the bin on a fresh install, before anything is built.
import '../dist/main.js';
