// GNU tar sets a directory's mode, owner and mtime only after it has finished
// writing into it (writing would bump the mtime; a read-only mode would stop
// the writes). Before each member it applies the pending directories that are
// not that member's ancestors; at the end, all the rest. Same order here.

export interface PendingDirectory {
  /** Root-relative path ("" for the root itself). */
  relative: string;
  absolute: string;
  /** Mode to end up with. */
  mode: number;
  /** Mode it has now, so an unchanged one costs no chmod. */
  currentMode: number;
  /** Seconds since the epoch; undefined with -m. */
  mtime: number | undefined;
  /** Owner to set; undefined when ownership is not restored. */
  owner: { uid: number; gid: number } | undefined;
}

function isAncestor(candidate: string, relative: string): boolean {
  return candidate === '' || relative.startsWith(`${candidate}/`);
}

export class DelayedDirectories {
  private readonly stack: PendingDirectory[] = [];

  push(pending: PendingDirectory): void {
    this.stack.push(pending);
  }

  /** Whether extracting `relative` first needs some pending directories applied. */
  hasNonAncestorsOf(relative: string): boolean {
    const top = this.stack[this.stack.length - 1];
    return top !== undefined && !isAncestor(top.relative, relative);
  }

  /** Removes and returns, newest first, the pending directories GNU applies before `relative`. */
  takeNonAncestorsOf(relative: string): PendingDirectory[] {
    const taken: PendingDirectory[] = [];
    while (this.stack.length > 0 && !isAncestor(this.stack[this.stack.length - 1]!.relative, relative)) {
      taken.push(this.stack.pop()!);
    }
    return taken;
  }

  takeAll(): PendingDirectory[] {
    return this.stack.splice(0).reverse();
  }
}
