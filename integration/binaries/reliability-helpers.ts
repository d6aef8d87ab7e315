// Shared by the reliability tests of the built binary: snapshots that show a
// directory is unchanged, and temp dirs that are removed afterwards (every
// workspace of a build holds a copy of the 100 MB executable).
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { listTree, tempDir } from './harness';

/** Every path under root with its type, mode and content digest: equal snapshots mean nothing changed. */
export async function snapshot(root: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const rel of await listTree(root)) {
    const file = path.join(root, rel);
    const stat = await fs.lstat(file);
    const mode = (stat.mode & 0o7777).toString(8);
    if (stat.isSymbolicLink()) out[rel] = `link -> ${await fs.readlink(file)}`;
    else if (stat.isDirectory()) out[rel] = `dir ${mode}`;
    else if (stat.isFile()) out[rel] = `file ${mode} links=${stat.nlink} ${await digest(file, stat)}`;
    else out[rel] = `special ${stat.mode.toString(8)}`;
  }
  return out;
}

/** Content digest of small files; identity, size and mtime of large ones (such as a copy of the executable). */
async function digest(file: string, stat: import('node:fs').Stats): Promise<string> {
  if (stat.size > 1024 * 1024) return `ino=${stat.ino} size=${stat.size} mtime=${stat.mtimeMs}`;
  return createHash('sha256').update(await fs.readFile(file)).digest('hex');
}

/** Temp dirs that `cleanup` removes. */
export function tempDirs(prefix: string): { make(name: string): Promise<string>; cleanup(): Promise<void> } {
  const made: string[] = [];
  return {
    async make(name) {
      const dir = await tempDir(`${prefix}-${name}`);
      made.push(dir);
      return dir;
    },
    async cleanup() {
      await Promise.all(made.splice(0).map((d) => fs.rm(d, { recursive: true, force: true })));
    },
  };
}
