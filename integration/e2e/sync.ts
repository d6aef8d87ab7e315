// Syncs into a running container exactly as Tilt and Skaffold do it: the same
// argv through `docker exec`, and tar streams written like theirs (streamgen).
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { generate } from '../binaries/sync-harness';
import type { Container } from './harness';
import { tempDir } from './harness';

/** Local files to sync: path relative to the app dir -> content. */
export type Changes = Record<string, string | Buffer>;

/** The stream `tool` would send for `changes`, made from files staged in a temporary directory that is then removed. */
async function streamOf(tool: 'skaffold' | 'tilt', changes: Changes, dest: string): Promise<Buffer> {
  const dir = await tempDir('sync-src');
  try {
    for (const [name, content] of Object.entries(changes)) {
      await fs.mkdir(path.dirname(path.join(dir, name)), { recursive: true });
      await fs.writeFile(path.join(dir, name), content, { mode: 0o644 });
    }
    return await generate([tool, '-src', dir, '-dest', dest, ...Object.keys(changes)]);
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

export interface SyncResult {
  exitCode: number;
  stderr: string;
}

/** Skaffold: `tar xmf - -C / --no-same-owner` (copies first), then `rm -rf -- <dsts>`. */
export async function skaffoldSync(c: Container, changes: Changes, deletes: string[] = [], dest = '/workspace'): Promise<SyncResult> {
  return skaffoldSyncStream(c, await streamOf('skaffold', changes, dest), deletes, dest);
}

/** Like skaffoldSync, for files that already exist in `src` (e.g. a freshly built binary). */
export async function skaffoldSyncFiles(c: Container, src: string, files: string[], deletes: string[] = [], dest = '/workspace'): Promise<SyncResult> {
  return skaffoldSyncStream(c, await generate(['skaffold', '-src', src, '-dest', dest, ...files]), deletes, dest);
}

async function skaffoldSyncStream(c: Container, stream: Buffer, deletes: string[], dest: string): Promise<SyncResult> {
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
  return c.exec(['tar', '-C', '/', '-x', '-f', '-'], { input: await streamOf('tilt', changes, dest) });
}
