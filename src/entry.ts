// Process entry point (bundled into the SEA). Kept apart from main.ts so tests can import main.
import { main } from './main';

main(process.argv0, process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`ERROR: ${String(error)}\n`);
    process.exitCode = 1;
  },
);
