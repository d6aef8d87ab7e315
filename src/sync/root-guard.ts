// Decides whether a member's parent directories may be used: they are created
// when missing, pre-existing symlinks are followed only when they resolve to a
// directory inside the extraction root, and a symlink this stream created is
// never followed (the classic "symlink, then a file through it" escape).
// Directories checked once are remembered, so a thousand files in one
// directory cost one lstat, not a thousand.
import path from 'node:path';
import { errnoCode } from './strerror';
import { lstat, mkdir, realpath, stat } from './fs-ops';

export type ParentCheck =
  | { ok: true }
  /** An ordinary filesystem error, to be worded like GNU tar's; `directory` is set when creating it failed. */
  | { ok: false; error: NodeJS.ErrnoException; directory?: string }
  /** A refusal of ours, on top of what GNU tar does. */
  | { ok: false; refused: string };

export interface GuardOptions {
  /** The -C directory, absolute. */
  root: string;
  /** Its realpath: symlinks must resolve under it. */
  realRoot: string;
  /** Mode for directories created on the way (GNU: 0777 minus the umask). */
  intermediateMode: number;
  /** Called before the first directory is created. */
  beforeChange: () => Promise<void>;
}

export class RootGuard {
  /** Root-relative directories known to be usable as parents. */
  private readonly verified = new Set<string>(['']);
  /** Root-relative paths where this stream created a symlink. */
  private readonly planted = new Set<string>();

  constructor(private readonly options: GuardOptions) {}

  abs(relative: string): string {
    return relative === '' ? this.options.root : path.join(this.options.root, relative);
  }

  /**
   * Makes sure every parent of `relative` is a usable directory, creating the
   * missing ones when `create` (else a missing one is an ENOENT error).
   */
  async prepareParents(relative: string, create: boolean): Promise<ParentCheck> {
    const slash = relative.lastIndexOf('/');
    if (slash < 0 || this.verified.has(relative.slice(0, slash))) return { ok: true };
    const parts = relative.split('/');
    let prefix = '';
    let creating = false;
    for (let i = 0; i < parts.length - 1; i++) {
      prefix = i === 0 ? parts[0]! : `${prefix}/${parts[i]!}`;
      if (this.verified.has(prefix)) continue;
      if (this.planted.has(prefix)) {
        return { ok: false, refused: `refusing to extract through the symlink "${prefix}" that this stream created` };
      }
      const absolute = this.abs(prefix);
      if (!creating) {
        const check = await this.checkExisting(prefix, absolute);
        if (check === 'missing') {
          if (!create) return { ok: false, error: enoent(absolute) };
          creating = true;
        } else if (check !== 'ok') {
          return check;
        }
      }
      if (creating) {
        await this.options.beforeChange();
        try {
          await mkdir(absolute, { mode: this.options.intermediateMode });
        } catch (error) {
          if (errnoCode(error) !== 'EEXIST') return { ok: false, error: error as NodeJS.ErrnoException, directory: prefix };
          // Created concurrently: judge it like any existing entry.
          const check = await this.checkExisting(prefix, absolute);
          if (check !== 'ok') return check === 'missing' ? { ok: false, error: enoent(absolute) } : check;
        }
      }
      this.verified.add(prefix);
    }
    return { ok: true };
  }

  private async checkExisting(prefix: string, absolute: string): Promise<'ok' | 'missing' | ParentCheck> {
    let info;
    try {
      info = await lstat(absolute);
    } catch (error) {
      return errnoCode(error) === 'ENOENT' ? 'missing' : { ok: false, error: error as NodeJS.ErrnoException };
    }
    if (info.isDirectory()) return 'ok';
    if (!info.isSymbolicLink()) return { ok: false, error: errno('ENOTDIR', absolute) };
    let real: string;
    try {
      real = await realpath(absolute);
    } catch (error) {
      return { ok: false, error: error as NodeJS.ErrnoException }; // dangling or looping: GNU fails the same way
    }
    if (!this.inside(real)) {
      return { ok: false, refused: `refusing to extract through the symlink "${prefix}", which leads outside ${this.options.root}` };
    }
    try {
      if (!(await stat(real)).isDirectory()) return { ok: false, error: errno('ENOTDIR', absolute) };
    } catch (error) {
      return { ok: false, error: error as NodeJS.ErrnoException };
    }
    return 'ok';
  }

  private inside(real: string): boolean {
    const root = this.options.realRoot;
    return root === '/' || real === root || real.startsWith(`${root}/`);
  }

  isPlanted(relative: string): boolean {
    return this.planted.has(relative);
  }

  /** `relative` is now a real directory (created, or an existing one kept). */
  markDirectory(relative: string): void {
    this.forget(relative);
    this.planted.delete(relative);
    this.verified.add(relative);
  }

  /** Something that is not a directory now sits at `relative`. */
  markReplaced(relative: string, symlink: boolean): void {
    this.forget(relative);
    if (symlink) this.planted.add(relative);
    else this.planted.delete(relative);
  }

  /** Drops `relative` and everything under it from the verified set. */
  private forget(relative: string): void {
    if (!this.verified.has(relative)) return;
    const under = `${relative}/`;
    for (const known of this.verified) if (known === relative || known.startsWith(under)) this.verified.delete(known);
  }
}

function errno(code: string, file: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: ${file}`), { code, path: file });
}

function enoent(file: string): NodeJS.ErrnoException {
  return errno('ENOENT', file);
}
