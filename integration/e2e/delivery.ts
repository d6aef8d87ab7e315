// Helpers for the delivery tests: a copy of build/buildpack whose buildpack.toml
// lists local test archives, the packager (scripts/package.ts), pack with a
// chosen network, and a look inside the .cnb files it writes.
import { execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { REPO, tempDir, type Provisioned } from './harness';
import { testBuildpackToml, type TestDependency as HarnessDependency } from '../binaries/harness';

export const RELEASES = 'https://github.com/watchexec/watchexec/releases/download';
export const BUILDPACK_IN_IMAGE = '/cnb/buildpacks/livereload_watchexec/0.1.0';
export const PROCFILE_BP = path.join(REPO, 'integration', 'buildpacks', 'procfile');

export interface TestDependency extends HarnessDependency {
  arch: 'amd64' | 'arm64';
}

/** The upstream-style URI of an archive: unreachable here, so only a redirection can fetch it. */
export function upstreamUri(version: string, file: string): string {
  return `${RELEASES}/v${version}/${path.basename(file)}`;
}

/** A mirror's path for an upstream URI with `{originalHost}` (no leading slash). */
export function mirrorPath(uri: string): string {
  const url = new URL(uri);
  return `${url.host}${url.pathname}`;
}

/**
 * build/buildpack (hard links: both executables and the linux/<arch>/ layout)
 * with buildpack.toml's dependencies replaced by `deps`.
 */
export async function stageBuildpack(deps: TestDependency[], defaultVersion = '2.5.1'): Promise<string> {
  const dir = path.join(await tempDir('staged'), 'buildpack');
  execFileSync('cp', ['-al', path.join(REPO, 'build', 'buildpack'), dir]);
  // A hard link: replace the file, never write through it into build/buildpack.
  await fs.rm(path.join(dir, 'buildpack.toml'));
  await fs.writeFile(path.join(dir, 'buildpack.toml'), await testBuildpackToml(deps, defaultVersion));
  return dir;
}

export async function runPackager(args: string[], env: Record<string, string> = {}): Promise<{ exitCode: number; log: string }> {
  const result = await execa('node', [path.join(REPO, 'scripts', 'run-ts.mjs'), path.join(REPO, 'scripts', 'package.ts'), ...args], {
    cwd: REPO,
    env,
    reject: false,
    all: true,
    timeout: 600_000,
  });
  return { exitCode: result.exitCode ?? -1, log: result.all ?? '' };
}

export interface PackOptions {
  /** For `pack build`: none (offline) or host (reaches 127.0.0.1). */
  network?: 'none' | 'host';
  volumes?: string[];
}

export async function pack(p: Provisioned, args: string[], options: PackOptions = {}): Promise<{ exitCode: number; log: string }> {
  const all = [...args, '--pull-policy', 'never', ...(options.network ? ['--network', options.network] : [])];
  for (const volume of options.volumes ?? []) all.push('--volume', volume);
  const result = await execa(p.PACK, all, { env: { PACK_HOME: p.PACK_HOME }, reject: false, all: true, timeout: 600_000 });
  return { exitCode: result.exitCode ?? -1, log: result.all ?? '' };
}

export interface CnbEntry {
  type: string;
  size: number;
}

/** A .cnb (a tar holding an OCI layout with one layer): its architecture and its layer's entries. */
export async function readCnb(file: string): Promise<{ architecture: string; entries: Map<string, CnbEntry>; extract(entry: string): Buffer }> {
  const dir = await tempDir('cnb');
  execFileSync('tar', ['-xf', file, '-C', dir]);
  const blob = (digest: string) => path.join(dir, 'blobs', ...digest.split(':'));
  const index = JSON.parse(await fs.readFile(path.join(dir, 'index.json'), 'utf8')) as { manifests: { digest: string }[] };
  const manifest = JSON.parse(await fs.readFile(blob(index.manifests[0]!.digest), 'utf8')) as { config: { digest: string }; layers: { digest: string }[] };
  const config = JSON.parse(await fs.readFile(blob(manifest.config.digest), 'utf8')) as { architecture: string };
  expect1(manifest.layers.length, 'one layer');
  const layer = blob(manifest.layers[0]!.digest);
  const entries = new Map<string, CnbEntry>();
  const listing = execFileSync('tar', ['-tvzf', layer], { maxBuffer: 64 << 20 }).toString();
  for (const line of listing.split('\n')) {
    // -rwxr-xr-x 0/0  110234432 1980-01-01 00:00 /cnb/buildpacks/...
    const match = /^(\S)\S*\s+\S+\s+(\d+)\s+\S+\s+\S+\s+(\S+)/.exec(line);
    if (match) entries.set(match[3]!.replace(/^\/?/, '/'), { type: match[1]!, size: Number(match[2]) });
  }
  return {
    architecture: config.architecture,
    entries,
    // pack writes absolute member names: match them as they are (-P).
    extract: (entry) => execFileSync('tar', ['-xzPOf', layer, entry], { maxBuffer: 256 << 20 }),
  };
}

function expect1(n: number, what: string): void {
  if (n !== 1) throw new Error(`expected ${what}, found ${n}`);
}
