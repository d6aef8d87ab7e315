// The fs calls on the extraction hot path, promisified once from the callback
// API: numeric descriptors avoid FileHandle's bookkeeping, which costs
// measurably when a sync writes a thousand small files.
import fs from 'node:fs';
import { promisify } from 'node:util';

export const open = promisify(fs.open);
export const close = promisify(fs.close);
export const writev = promisify(fs.writev);
export const fchown = promisify(fs.fchown);
export const fchmod = promisify(fs.fchmod);
export const futimes = promisify(fs.futimes);
export const rename = promisify(fs.rename);
export const unlink = promisify(fs.unlink);
export const rmdir = promisify(fs.rmdir);
export const mkdir = promisify(fs.mkdir);
export const lstat = promisify(fs.lstat);
export const stat = promisify(fs.stat);
export const symlink = promisify(fs.symlink);
export const link = promisify(fs.link);
export const lutimes = promisify(fs.lutimes);
export const lchown = promisify(fs.lchown);
export const utimes = promisify(fs.utimes);
export const chown = promisify(fs.chown);
export const chmod = promisify(fs.chmod);
export const readdir = promisify(fs.readdir);
export const realpath = promisify(fs.realpath);

/** Writes all of `chunks` at the current position, looping over short writes. */
export async function writeAll(fd: number, chunks: readonly Buffer[]): Promise<void> {
  let pending = chunks.filter((chunk) => chunk.length > 0);
  while (pending.length > 0) {
    // writev takes at most IOV_MAX (1024) buffers per call.
    const batch = pending.slice(0, 1024);
    let written = (await writev(fd, batch)).bytesWritten;
    const rest: Buffer[] = [];
    for (const chunk of batch) {
      if (written >= chunk.length) written -= chunk.length;
      else {
        rest.push(chunk.subarray(written));
        written = 0;
      }
    }
    pending = [...rest, ...pending.slice(batch.length)];
  }
}
