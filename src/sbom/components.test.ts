import { describe, expect, it } from 'vitest';
import { bundleComponents, dependencyComponent, embeddedManifest, integrityHashes, npmPurl, npmTarballUrl } from './components';
import { MANIFEST, WATCHEXEC } from './testdata/fixtures';

describe('dependencyComponent', () => {
  it('carries every SBOM field of the buildpack.toml entry', () => {
    expect(dependencyComponent(WATCHEXEC, ['/l/watchexec/bin/watchexec'])).toEqual({
      kind: 'application',
      ecosystem: 'binary',
      name: 'watchexec',
      version: '2.5.1',
      purl: 'pkg:generic/watchexec@2.5.1?arch=amd64',
      cpes: ['cpe:2.3:a:watchexec:watchexec:2.5.1:*:*:*:*:*:*:*'],
      licenses: ['Apache-2.0'],
      distribution: { url: WATCHEXEC.uri, hashes: [{ algorithm: 'sha256', hex: WATCHEXEC.sha256 }] },
      source: { url: WATCHEXEC.source, hashes: [{ algorithm: 'sha256', hex: WATCHEXEC.sourceSha256 }] },
      paths: ['/l/watchexec/bin/watchexec'],
    });
  });

  it('has no source without one, and a source without checksum has no hashes', () => {
    expect(dependencyComponent({ ...WATCHEXEC, source: '', sourceSha256: '' }, []).source).toBeUndefined();
    expect(dependencyComponent({ ...WATCHEXEC, sourceSha256: '' }, []).source).toEqual({ url: WATCHEXEC.source, hashes: [] });
  });
});

describe('bundleComponents', () => {
  const components = bundleComponents(MANIFEST, ['/l/sync-helper/bin/livereload']);

  it('starts with the Node runtime: version, purl, CPE, MIT', () => {
    expect(components[0]).toEqual({
      kind: 'application',
      ecosystem: 'binary',
      name: 'node',
      version: '24.21.0',
      purl: 'pkg:generic/node@24.21.0',
      cpes: ['cpe:2.3:a:nodejs:node.js:24.21.0:*:*:*:*:*:*:*'],
      licenses: ['MIT'],
      homepage: 'https://nodejs.org',
      paths: ['/l/sync-helper/bin/livereload'],
    });
  });

  it('has one npm library per bundled package, with its tarball and sha512', () => {
    expect(components.slice(1).map((c) => [c.name, c.version, c.purl, c.licenses, c.distribution?.url])).toEqual([
      ['undici', '7.30.2', 'pkg:npm/undici@7.30.2', ['MIT'], 'https://registry.npmjs.org/undici/-/undici-7.30.2.tgz'],
      ['semver', '7.8.6', 'pkg:npm/semver@7.8.6', ['ISC'], 'https://registry.example.test/semver/-/semver-7.8.6.tgz'],
      ['@scope/dual', '1.0.0', 'pkg:npm/%40scope/dual@1.0.0', ['(MIT OR Apache-2.0)'], 'https://registry.npmjs.org/@scope/dual/-/dual-1.0.0.tgz'],
    ]);
    expect(components[1]!.distribution!.hashes).toEqual([{ algorithm: 'sha512', hex: '01'.repeat(64) }]);
    expect(components[3]!.distribution!.hashes).toEqual([]);
    expect(components.every((c) => c.kind === 'library' || c.name === 'node')).toBe(true);
  });
});

describe('npm helpers', () => {
  it('purls percent-encode the scope and the version', () => {
    expect(npmPurl('semver', '7.8.6')).toBe('pkg:npm/semver@7.8.6');
    expect(npmPurl('@types/node', '1.0.0+build')).toBe('pkg:npm/%40types/node@1.0.0%2Bbuild');
  });

  it('tarball URLs follow the registry layout', () => {
    expect(npmTarballUrl('@types/node', '24.0.0')).toBe('https://registry.npmjs.org/@types/node/-/node-24.0.0.tgz');
  });

  it('integrity strings give their sha512 in hex; other algorithms are skipped', () => {
    const b64 = Buffer.alloc(64, 0xab).toString('base64');
    expect(integrityHashes(`sha1-abc= sha512-${b64}`)).toEqual([{ algorithm: 'sha512', hex: 'ab'.repeat(64) }]);
    expect(integrityHashes(undefined)).toEqual([]);
  });

  it('unbundled, the manifest is the running Node and no packages', () => {
    expect(embeddedManifest()).toEqual({ node: { version: process.version.slice(1), license: 'MIT' }, packages: [] });
  });
});
