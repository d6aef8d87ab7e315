// Syncs into a running container exactly as Tilt and Skaffold do it: the same
// argv through `docker exec`, and tar streams written like theirs (streamgen).
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { generate } from '../binaries/sync-harness';
import type { Container } from './harness';
import { tempDir } from './harness';

/** Local files to sync: path relative to the app dir -> content. */
export type Changes = Record<string, string | Buffer>;

async function stage(changes: Changes): Promise<string> {
  const dir = await tempDir('sync-src');
  for (const [name, content] of Object.entries(changes)) {
    await fs.mkdir(path.dirname(path.join(dir, name)), { recursive: true });
    await fs.writeFile(path.join(dir, name), content, { mode: 0o644 });
  }
  return dir;
}

export interface SyncResult {
  exitCode: number;
  stderr: string;
}

/** Skaffold: `tar xmf - -C / --no-same-owner` (copies first), then `rm -rf -- <dsts>`. */
export async function skaffoldSync(c: Container, changes: Changes, deletes: string[] = [], dest = '/workspace'): Promise<SyncResult> {
  return skaffoldSyncFiles(c, await stage(changes), Object.keys(changes), deletes, dest);
}

/** Like skaffoldSync, for files that already exist in `src` (e.g. a freshly built binary). */
export async function skaffoldSyncFiles(c: Container, src: string, files: string[], deletes: string[] = [], dest = '/workspace'): Promise<SyncResult> {
  const stream = await generate(['skaffold', '-src', src, '-dest', dest, ...files]);
  const copy = await c.exec(['tar', 'xmf', '-', '-C', '/', '--no-same-owner'], { input: stream });
  if (copy.exitCode !== 0 || deletes.length === 0) return copy;
  return c.exec(['rm', '-rf', '--', ...deletes.map((d) => path.posix.join(dest, d))]);
}

/** Tilt: `rm -rf <paths>` (deletes first), then `tar -C / -x -f -`. */
export async function tiltSync(c: Container, changes: Changes, deletes: string[] = [], dest = '/workspace'): Promise<SyncResult> {
  if (deletes.length > 0) {
    const rm = await c.exec(['rm', '-rf', ...deletes.map((d) => path.posix.join(dest, d))]);
    if (rm.exitCode !== 0) return rm;
  }
  if (Object.keys(changes).length === 0) return { exitCode: 0, stderr: '' };
  const src = await stage(changes);
  const stream = await generate(['tilt', '-src', src, '-dest', dest, ...Object.keys(changes)]);
  return c.exec(['tar', '-C', '/', '-x', '-f', '-'], { input: stream });
}
