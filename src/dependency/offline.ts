// The offline layout inside a buildpack, as Paketo's offline packages have it:
// `dependencies/<sha256>/<file>` holds the archive and `dependencies/<sha256>.toml`
// describes it. The packager writes it (scripts/package.ts); the build looks
// there first and still verifies the checksum.
import { promises as fs } from 'node:fs';
import path from 'node:path/posix';
import { pathToFileURL } from 'node:url';
import { stringify } from 'smol-toml';
import type { Dependency } from '../cnb/buildpack-toml';

export const OFFLINE_DIR = 'dependencies';

/** The archive's file name: the last segment of its URI's path, decoded. */
export function archiveFileName(uri: string): string {
  let name = '';
  try {
    name = decodeURIComponent(new URL(uri).pathname.split('/').pop() ?? '');
  } catch {
    // Not a URI: fall through to the generic name.
  }
  return name === '' || name === '.' || name === '..' || name.includes('/') ? 'archive' : name;
}

/** `dependencies/<sha256>/<file>`, relative to the buildpack directory. */
export function offlineArchivePath(dependency: Pick<Dependency, 'uri' | 'sha256'>): string {
  return path.join(OFFLINE_DIR, dependency.sha256, archiveFileName(dependency.uri));
}

/** `dependencies/<sha256>.toml`, relative to the buildpack directory. */
export function offlineTomlPath(dependency: Pick<Dependency, 'sha256'>): string {
  return path.join(OFFLINE_DIR, `${dependency.sha256}.toml`);
}

/** What `dependencies/<sha256>.toml` says: the buildpack.toml entry, and where the archive came from. */
export function renderOfflineToml(dependency: Dependency, fetchedFrom: string): string {
  return `${stringify({
    id: dependency.id,
    name: dependency.name,
    version: dependency.version,
    uri: dependency.uri,
    sha256: dependency.sha256,
    checksum: `sha256:${dependency.sha256}`,
    os: dependency.os,
    arch: dependency.arch,
    purl: dependency.purl,
    cpes: dependency.cpes,
    licenses: dependency.licenses,
    file: archiveFileName(dependency.uri),
    'fetched-from': fetchedFrom,
  })}\n`;
}

/**
 * The file:// URI of the archive's copy inside the buildpack, if there is
 * one: `<file>` as named by the URI, else the only file in the directory.
 */
export async function findOfflineCopy(buildpackDir: string, dependency: Pick<Dependency, 'uri' | 'sha256'>): Promise<string | undefined> {
  const dir = path.join(buildpackDir, OFFLINE_DIR, dependency.sha256);
  const named = path.join(buildpackDir, offlineArchivePath(dependency));
  if (await isFile(named)) return pathToFileURL(named).href;
  let entries: string[];
  try {
    entries = await fs.readdir(dir);
  } catch {
    return undefined;
  }
  const files = [];
  for (const entry of entries) if (await isFile(path.join(dir, entry))) files.push(entry);
  return files.length === 1 ? pathToFileURL(path.join(dir, files[0]!)).href : undefined;
}

async function isFile(file: string): Promise<boolean> {
  try {
    return (await fs.stat(file)).isFile();
  } catch {
    return false;
  }
}
