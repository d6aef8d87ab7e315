// The components of this buildpack's two layers: watchexec from its
// buildpack.toml dependency entry, and the sync helper's executable (the
// pinned Node runtime plus every npm package esbuild bundled into it, as
// scripts/build.mjs found them at build time).
import type { Dependency } from '../cnb/buildpack-toml';
import type { Component, Hash } from './model';

export function dependencyComponent(dep: Dependency, paths: string[]): Component {
  return {
    kind: 'application',
    ecosystem: 'binary',
    name: dep.name,
    version: dep.version,
    purl: dep.purl,
    cpes: [...dep.cpes],
    licenses: [...dep.licenses],
    distribution: { url: dep.uri, hashes: [{ algorithm: 'sha256', hex: dep.sha256 }] },
    ...(dep.source ? { source: { url: dep.source, hashes: dep.sourceSha256 ? [{ algorithm: 'sha256' as const, hex: dep.sourceSha256 }] : [] } } : {}),
    paths,
  };
}

/** What scripts/build.mjs records about the executable: facts only, as found. */
export interface BundleManifest {
  node: { version: string; license: string };
  /** From each bundled package's package.json and its package-lock.json entry. */
  packages: { name: string; version: string; licenses: string[]; homepage?: string; resolved?: string; integrity?: string }[];
}

/** Set by scripts/build.mjs (esbuild define); undefined when running unbundled. */
declare const __LIVERELOAD_BUNDLE_MANIFEST__: BundleManifest | undefined;

/**
 * The manifest embedded in this executable. Unbundled (unit tests, `tsx`)
 * there is none: the running Node and no packages are reported instead.
 */
export function embeddedManifest(): BundleManifest {
  if (typeof __LIVERELOAD_BUNDLE_MANIFEST__ === 'object' && __LIVERELOAD_BUNDLE_MANIFEST__ !== null) return __LIVERELOAD_BUNDLE_MANIFEST__;
  return { node: { version: process.version.replace(/^v/, ''), license: 'MIT' }, packages: [] };
}

export function bundleComponents(manifest: BundleManifest, paths: string[]): Component[] {
  const node: Component = {
    kind: 'application',
    ecosystem: 'binary',
    name: 'node',
    version: manifest.node.version,
    purl: `pkg:generic/node@${manifest.node.version}`,
    cpes: [`cpe:2.3:a:nodejs:node.js:${manifest.node.version}:*:*:*:*:*:*:*`],
    licenses: [manifest.node.license],
    homepage: 'https://nodejs.org',
    paths,
  };
  const packages = manifest.packages.map((p): Component => {
    const hashes = integrityHashes(p.integrity);
    return {
      kind: 'library',
      ecosystem: 'npm',
      name: p.name,
      version: p.version,
      purl: npmPurl(p.name, p.version),
      cpes: [],
      licenses: [...p.licenses],
      distribution: { url: p.resolved ?? npmTarballUrl(p.name, p.version), hashes },
      ...(p.homepage ? { homepage: p.homepage } : {}),
      paths,
    };
  });
  return [node, ...packages];
}

/** pkg:npm/name@version, with a scope's "@" percent-encoded as the purl spec asks. */
export function npmPurl(name: string, version: string): string {
  const [scope, bare] = name.startsWith('@') ? name.split('/', 2) : [undefined, name];
  const namespace = scope ? `${encodeURIComponent(scope)}/` : '';
  return `pkg:npm/${namespace}${encodeURIComponent(bare!)}@${encodeURIComponent(version)}`;
}

/**
 * Where npm fetches a package from the public registry. A lock file written
 * with omit-lockfile-registry-resolved (as here) has no "resolved": npm then
 * uses this same layout under its configured registry.
 */
export function npmTarballUrl(name: string, version: string): string {
  const bare = name.startsWith('@') ? name.split('/', 2)[1]! : name;
  return `https://registry.npmjs.org/${name}/-/${bare}-${version}.tgz`;
}

/** The sha512 of a Subresource Integrity string such as package-lock.json's "integrity". */
export function integrityHashes(integrity: string | undefined): Hash[] {
  const hashes: Hash[] = [];
  for (const part of (integrity ?? '').split(/\s+/)) {
    const match = /^sha512-([A-Za-z0-9+/]+={0,2})$/.exec(part);
    if (match) hashes.push({ algorithm: 'sha512', hex: Buffer.from(match[1]!, 'base64').toString('hex') });
  }
  return hashes;
}
