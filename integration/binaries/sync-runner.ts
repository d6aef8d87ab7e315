// A stand-in for `livereload tar|rm ...` until the SEA has those roles: the
// sync commands on the real process streams, so tests can run them as another
// user and send them signals. Bundled by esbuild (see sync-harness.ts).
import { runRm } from '../../src/sync/rm-command';
import { NO_SESSION } from '../../src/sync/session';
import { runTar } from '../../src/sync/tar-command';

const [command, ...args] = process.argv.slice(2);
const io = { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr };
const run = command === 'tar' ? runTar(args, io, NO_SESSION) : command === 'rm' ? runRm(args, io, NO_SESSION) : Promise.resolve(64);
run.then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`sync-runner: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 70;
  },
);
