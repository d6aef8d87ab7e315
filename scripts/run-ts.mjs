// Runs a TypeScript entry point (the demo, the benchmarks) on the machine's
// Node: esbuild bundles it with node_modules left external, then we import it.
import { rmSync } from 'node:fs';
import { chmod, mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const entry = process.argv[2];
if (!entry) {
  process.stderr.write('usage: node scripts/run-ts.mjs FILE.ts [ARGS...]\n');
  process.exit(2);
}
const outfile = path.join(root, '.cache', 'run-ts', `${path.basename(entry, '.ts')}.mjs`);
await build({
  entryPoints: [path.resolve(entry)],
  outfile,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  logLevel: 'warning',
  // import.meta.dirname becomes the entry file's directory for every bundled module: entry points
  // sit two levels below the repo root (integration/e2e/, integration/bench/), like the harnesses they import.
  define: { 'import.meta.dirname': JSON.stringify(path.dirname(path.resolve(entry))) },
});
process.argv.splice(1, 2, outfile);
// Like the test runs (integration/test-tmp.ts): temporary files go in one directory, removed at the end.
const tmp = await mkdtemp(path.join(os.tmpdir(), 'livereload-run-'));
await chmod(tmp, 0o1777);
process.env.TMPDIR = tmp;
// On exit, not after the import: entry points may go on working after their module has been evaluated.
process.on('exit', () => rmSync(tmp, { recursive: true, force: true }));
await import(pathToFileURL(outfile).href);
