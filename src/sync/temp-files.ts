// Every entry is written under a temporary name beside its target and renamed
// over it, so no reader ever sees half a file. This registry knows every such
// name still on disk, so that failures and signals can remove them.
import { unlinkSync } from 'node:fs';
import path from 'node:path';
import { unlink } from './fs-ops';

export const TEMP_MARKER = '.lrsync-';

/** Keeps the temp name within NAME_MAX (255) even for long base names. */
const MAX_BASE = 180;

export class TempFiles {
  private readonly live = new Set<string>();
  // A per-run random part plus a counter: unique without a syscall per name.
  // O_EXCL makes a clash an error, never an overwrite; Math.random avoids loading crypto.
  private readonly run = Math.random().toString(36).slice(2, 10);
  private counter = 0;

  /** A fresh temporary path beside `target`: `.<base>.lrsync-<random>`. */
  reserve(target: string): string {
    const base = path.basename(target).slice(0, MAX_BASE);
    const temp = path.join(path.dirname(target), `.${base}${TEMP_MARKER}${this.run}${(this.counter++).toString(36)}`);
    this.live.add(temp);
    return temp;
  }

  /** The temp name no longer exists (renamed over its target). */
  settled(temp: string): void {
    this.live.delete(temp);
  }

  /** Removes a temp name that may or may not exist. */
  async discard(temp: string): Promise<void> {
    try {
      await unlink(temp);
    } catch {
      // already gone, or never created
    }
    this.live.delete(temp);
  }

  async discardAll(): Promise<void> {
    await Promise.all([...this.live].map((temp) => this.discard(temp)));
  }

  /** For signal handlers, which cannot wait for promises. */
  discardAllSync(): void {
    for (const temp of this.live) {
      try {
        unlinkSync(temp);
      } catch {
        // already gone
      }
    }
    this.live.clear();
  }

  get size(): number {
    return this.live.size;
  }
}
