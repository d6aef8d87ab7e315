// GNU `rm` semantics for one operand: -f silences missing paths, a directory
// needs -r, and a directory whose contents could not all be removed is left
// without a second message. unlink() is tried first: most operands are files,
// and this saves an lstat each.
import path from 'node:path';
import { lstat, readdir, rmdir, unlink } from './fs-ops';
import { errnoCode, strerror } from './strerror';

export interface RemoveOptions {
  recursive: boolean;
  force: boolean;
  /** Called before the first removal is attempted. */
  beforeChange(): Promise<void>;
  /** A line for stderr, without the "rm: " prefix. */
  problem(message: string): void;
}

/** Siblings removed at once inside one directory. */
const CONCURRENCY = 16;

export function quote(name: string): string {
  return `'${name.replace(/'/g, `'\\''`)}'`;
}

/** The checks GNU rm makes before touching an operand; a message when it must be skipped. */
export function refusal(operand: string, recursive: boolean): string | undefined {
  const trimmed = operand.replace(/\/+$/, '');
  const last = trimmed.slice(trimmed.lastIndexOf('/') + 1);
  if (operand !== '' && (last === '.' || last === '..')) {
    return recursive
      ? `refusing to remove '.' or '..' directory: skipping ${quote(operand)}`
      : `cannot remove ${quote(operand)}: Is a directory`;
  }
  if (recursive && operand !== '' && path.resolve(operand) === '/') {
    const same = operand === '/' ? '' : ` (same as '/')`;
    return `it is dangerous to operate recursively on ${quote(operand)}${same}\nrm: use --no-preserve-root to override this failsafe`;
  }
  return undefined;
}

/** Removes `operand` (as given, relative to the cwd); false when anything failed. */
export async function removeOperand(operand: string, options: RemoveOptions): Promise<boolean> {
  const refused = refusal(operand, options.recursive);
  if (refused !== undefined) {
    options.problem(refused);
    return false;
  }
  await options.beforeChange();
  return removeEntry(operand, options);
}

function ignorable(code: string | undefined, options: RemoveOptions): boolean {
  return options.force && (code === 'ENOENT' || code === 'ENOTDIR');
}

async function removeEntry(file: string, options: RemoveOptions): Promise<boolean> {
  try {
    await unlink(file);
    return true;
  } catch (error) {
    const code = errnoCode(error);
    // `link/` to a directory gives ENOTDIR, yet GNU rm empties that directory.
    const maybeDirectory = code === 'EISDIR' || code === 'EPERM' || (code === 'ENOTDIR' && file.endsWith('/'));
    if (!maybeDirectory && ignorable(code, options)) return true;
    if (!maybeDirectory) {
      options.problem(`cannot remove ${quote(file)}: ${strerror(error)}`);
      return false;
    }
    // EISDIR (Linux) or EPERM (POSIX) from unlink: is it a directory?
    let isDirectory = false;
    try {
      isDirectory = (await lstat(file)).isDirectory();
    } catch {
      // report the unlink error below
    }
    if (!isDirectory) {
      if (ignorable(code, options)) return true;
      options.problem(`cannot remove ${quote(file)}: ${strerror(error)}`);
      return false;
    }
  }
  if (!options.recursive) {
    options.problem(`cannot remove ${quote(file)}: Is a directory`);
    return false;
  }
  return removeTree(file, options);
}

async function removeTree(dir: string, options: RemoveOptions): Promise<boolean> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    if (ignorable(errnoCode(error), options)) return true;
    options.problem(`cannot remove ${quote(dir)}: ${strerror(error)}`);
    return false;
  }
  let ok = true;
  for (let i = 0; i < names.length; i += CONCURRENCY) {
    const results = await Promise.all(names.slice(i, i + CONCURRENCY).map((name) => removeEntry(path.join(dir, name), options)));
    if (results.includes(false)) ok = false;
  }
  if (!ok) return false; // GNU names only the entries that failed, not their parents
  try {
    await rmdir(dir);
    return true;
  } catch (error) {
    if (ignorable(errnoCode(error), options)) return true;
    options.problem(`cannot remove ${quote(dir)}: ${strerror(error)}`);
    return false;
  }
}
