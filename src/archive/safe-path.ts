// Entry names from archives are untrusted: these helpers turn them into paths
// that provably stay inside a root directory, or say why they cannot.
import path from 'node:path/posix';

export type NameCheck = { ok: true; relative: string } | { ok: false; problem: string };

/**
 * Normalises an entry name to a root-relative path. `allowAbsolute` strips a
 * leading `/` (as tar does with -P off); `..` components are always refused.
 */
export function entryPath(name: string, allowAbsolute: boolean): NameCheck {
  if (name.includes('\0')) return { ok: false, problem: 'contains a NUL byte' };
  if (name.startsWith('/') && !allowAbsolute) return { ok: false, problem: 'is an absolute path' };
  const parts = name.split('/').filter((part) => part !== '' && part !== '.');
  if (parts.includes('..')) return { ok: false, problem: 'contains a ".." component' };
  return { ok: true, relative: parts.join('/') };
}

/** Whether a link at `linkRelative` pointing to `target` resolves inside the root. */
export function linkStaysInside(linkRelative: string, target: string): boolean {
  if (target.startsWith('/')) return false;
  const resolved = path.normalize(path.join(path.dirname(linkRelative), target));
  return resolved !== '..' && !resolved.startsWith('../') && !path.isAbsolute(resolved);
}

/**
 * Whether resolving `target` from the link's directory passes through one of
 * `symlinks` (root-relative paths the archive created). Lexical checks alone
 * miss `l -> .` followed by `m -> l/..`, which really points above the root.
 */
export function linkCrossesSymlink(linkRelative: string, target: string, symlinks: ReadonlySet<string>): boolean {
  const parts = path.dirname(linkRelative) === '.' ? [] : path.dirname(linkRelative).split('/');
  for (const component of target.split('/')) {
    if (component === '' || component === '.') continue;
    if (component === '..') parts.pop();
    else {
      parts.push(component);
      if (symlinks.has(parts.join('/'))) return true;
    }
  }
  return false;
}

export function stripComponents(relative: string, count: number): string {
  return relative.split('/').filter(Boolean).slice(count).join('/');
}
