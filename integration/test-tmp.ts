// vitest globalSetup: every test's temporary files go under one directory per
// run (TMPDIR, which os.tmpdir() and the tools the tests spawn honour), removed
// when the run ends, so test runs do not pile up directories in /tmp.
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export default async function setup(): Promise<() => Promise<void>> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'livereload-tests-'));
  await fs.chmod(dir, 0o1777); // like /tmp itself: tests run helpers as other users (uid 1000) in here
  process.env.TMPDIR = dir;
  return async () => {
    await fs.rm(dir, { recursive: true, force: true });
  };
}
