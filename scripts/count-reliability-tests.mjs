// Counts the reliability test cases per area (README "Reliability"), from what
// vitest collects (each row of an it.each counts), without running them.
//   node scripts/count-reliability-tests.mjs
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const E2E = 'integration/e2e/reliability.test.ts';
const SYNC_E2E = /^reliability of a reloadable container .* > the sync helper /;

/** area -> level -> [file, optional test-name filter] */
const AREAS = {
  downloads: {
    'built binary': [['integration/binaries/reliability-download.test.ts']],
    unit: [['src/dependency/download.test.ts'], ['src/dependency/download-limits.test.ts']],
  },
  archives: {
    'built binary': [['integration/binaries/reliability-archive.test.ts']],
    unit: [['src/archive/extract-dependency.test.ts'], ['src/archive/safe-path.test.ts'], ['src/archive/tar-reader.test.ts']],
  },
  'settings and plans': {
    'built binary': [['integration/binaries/reliability-settings.test.ts']],
    unit: [
      ['src/settings/settings.test.ts'],
      ['src/settings/download-settings.test.ts'],
      ['src/cnb/buildpack-plan.test.ts'],
      ['src/build/plan-request.test.ts'],
      ['src/processes/procfile.test.ts'],
      ['src/cnb/process-type.test.ts'],
    ],
  },
  'running container': {
    container: [[E2E, (name) => !SYNC_E2E.test(name)]],
  },
  'sync helper': {
    container: [[E2E, (name) => SYNC_E2E.test(name)]],
    'built binary': [['integration/binaries/sync-hostile.test.ts'], ['integration/binaries/sync-fuzz.test.ts']],
  },
};

const files = [...new Set(Object.values(AREAS).flatMap((levels) => Object.values(levels).flatMap((list) => list.map(([f]) => f))))];
const tmp = mkdtempSync(path.join(os.tmpdir(), 'count-tests-'));
const out = path.join(tmp, 'list.json');
execFileSync('npx', ['vitest', 'list', `--json=${out}`, ...files], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
const collected = JSON.parse(readFileSync(out, 'utf8'));
rmSync(tmp, { recursive: true, force: true });

const count = ([file, filter]) =>
  collected.filter((t) => path.relative(root, t.file) === file && (!filter || filter(t.name))).length;

const levels = ['container', 'built binary', 'unit'];
console.log(`| Area | ${levels.join(' | ')} | total |`);
console.log(`|---|${levels.map(() => '---:').join('|')}|---:|`);
for (const [area, byLevel] of Object.entries(AREAS)) {
  const cells = levels.map((level) => (byLevel[level] ?? []).reduce((sum, entry) => sum + count(entry), 0));
  console.log(`| ${area} | ${cells.map((n) => n || '').join(' | ')} | ${cells.reduce((a, b) => a + b, 0)} |`);
}
