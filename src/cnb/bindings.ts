// Service bindings as the platform mounts them: `$SERVICE_BINDING_ROOT/<name>/`
// (the Kubernetes service binding spec) or else `<platform>/bindings/<name>/`
// (`pack build --volume DIR:/platform/bindings/<name>`). Each binding is a
// directory of flat files; the file `type` is required and says what it is.
// Only bindings of the types asked for are read, so unrelated secrets stay on disk.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Env } from '../settings/settings';

export interface Binding {
  /** The directory name. */
  name: string;
  /** The directory, for messages. */
  dir: string;
  /** Contents of the `type` file, trimmed. */
  type: string;
  /** Contents of the optional `provider` file, trimmed. */
  provider: string | undefined;
  /** Every other file, by name, contents verbatim. */
  entries: Readonly<Record<string, string>>;
}

export interface BindingsRead {
  root: string;
  bindings: Binding[];
  /** Binding directories that could not be used, and why (for the build log). */
  problems: string[];
}

export function bindingsRoot(env: Env, platformDir: string): string {
  const root = env.SERVICE_BINDING_ROOT?.trim();
  return root ? root : path.join(platformDir, 'bindings');
}

/** The types compared as Paketo does: case-insensitively, surrounding blanks ignored. */
export function hasType(binding: Pick<Binding, 'type'>, type: string): boolean {
  return binding.type.trim().toLowerCase() === type.toLowerCase();
}

/**
 * Reads the bindings under `root` whose type is one of `types`, sorted by
 * name. A missing root means no bindings. Hidden entries (Kubernetes'
 * `..data` links) and subdirectories are not entries.
 */
export function readBindings(root: string, types: readonly string[]): BindingsRead {
  const result: BindingsRead = { root, bindings: [], problems: [] };
  let names: string[];
  try {
    names = readdirSync(root).filter((n) => !n.startsWith('.')).sort();
  } catch {
    return result;
  }
  for (const name of names) {
    const dir = path.join(root, name);
    if (!isDirectory(dir)) continue;
    const type = readIfFile(path.join(dir, 'type'));
    if (type === undefined || type.trim() === '') {
      result.problems.push(`binding "${name}" (${dir}) has no "type" file, so it is ignored`);
      continue;
    }
    if (!types.some((t) => hasType({ type }, t))) continue;
    const entries: Record<string, string> = {};
    let provider: string | undefined;
    for (const entry of readdirSync(dir).sort()) {
      if (entry.startsWith('.') || entry === 'type') continue;
      const content = readIfFile(path.join(dir, entry));
      if (content === undefined) continue;
      if (entry === 'provider') provider = content.trim();
      else entries[entry] = content;
    }
    result.bindings.push({ name, dir, type: type.trim(), provider, entries });
  }
  return result;
}

function isDirectory(file: string): boolean {
  try {
    return statSync(file).isDirectory();
  } catch {
    return false;
  }
}

/** A regular file's text (symlinks followed), or undefined for anything else. */
function readIfFile(file: string): string | undefined {
  try {
    if (!statSync(file).isFile()) return undefined;
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}
