#!/usr/bin/env node
/** The `gridflow` command: see `gridflow --help`. Exit codes: 0 success, 1 failure, 2 usage mistake. */
import { main } from './cli/main.js';

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    // main() reports its own errors; this only catches a fault in the reporting itself.
    console.error(error instanceof Error ? error.message : String(error));
    process.exitCode = 1;
  },
);
