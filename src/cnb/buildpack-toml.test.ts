import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BuildpackError } from '../errors';
import { parseBuildpackToml } from './buildpack-toml';
import { parseToml, type TomlTable } from './toml-file';

const BUILDPACK_TOML = fileURLToPath(new URL('../../buildpack.toml', import.meta.url));
const RELEASES_TSV = '/work/shared/reference/watchexec-releases.tsv';

describe("the repository's buildpack.toml", () => {
  const descriptor = parseBuildpackToml(parseToml(readFileSync(BUILDPACK_TOML, 'utf8'), BUILDPACK_TOML, 'buildpack-toml'), BUILDPACK_TOML);

  it('has the buildpack identity', () => {
    expect(descriptor).toMatchObject({
      id: 'livereload/watchexec',
      name: 'Live Reload Buildpack for watchexec',
      version: '0.1.0',
      homepage: 'https://github.com/livereload-buildpacks/watchexec',
    });
  });

  it('ships 2.5.1, 2.5.0 and 2.4.1 for amd64 and arm64, default 2.5.1', () => {
    expect(descriptor.dependencies.map((d) => `${d.version}/${d.os}/${d.arch}`)).toEqual([
      '2.5.1/linux/amd64',
      '2.5.1/linux/arm64',
      '2.5.0/linux/amd64',
      '2.5.0/linux/arm64',
      '2.4.1/linux/amd64',
      '2.4.1/linux/arm64',
    ]);
    expect(descriptor.defaultVersions).toEqual({ watchexec: '2.5.1' });
  });

  it('every dependency is the musl build of upstream, stripped of its top directory', () => {
    for (const d of descriptor.dependencies) {
      const target = d.arch === 'amd64' ? 'x86_64' : 'aarch64';
      expect(d).toMatchObject({
        id: 'watchexec',
        name: 'watchexec',
        uri: `https://github.com/watchexec/watchexec/releases/download/v${d.version}/watchexec-${d.version}-${target}-unknown-linux-musl.tar.xz`,
        purl: `pkg:generic/watchexec@${d.version}?arch=${d.arch}`,
        cpes: [`cpe:2.3:a:watchexec:watchexec:${d.version}:*:*:*:*:*:*:*`],
        licenses: ['Apache-2.0'],
        source: `https://github.com/watchexec/watchexec/archive/refs/tags/v${d.version}.tar.gz`,
        stripComponents: 1,
      });
    }
  });

  // The checksums must be the ones Paketo verified, not whatever was typed in.
  const releases = readFileSync(RELEASES_TSV, 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => line.split('\t'))
    .map(([version, arch, sha256, uri, source, sourceSha256]) => ({ version, arch, sha256, uri, source, sourceSha256 }));

  it.each(descriptor.dependencies.map((d) => [`${d.version} ${d.arch}`, d] as const))('%s matches watchexec-releases.tsv', (_, d) => {
    const release = releases.find((r) => r.version === d.version && r.arch === d.arch);
    expect(release).toBeDefined();
    expect({ sha256: d.sha256, uri: d.uri, source: d.source, sourceSha256: d.sourceSha256 }).toEqual({
      sha256: release!.sha256,
      uri: release!.uri,
      source: release!.source,
      sourceSha256: release!.sourceSha256,
    });
  });
});

/** A minimal valid buildpack.toml table with one dependency, changed by `edit`. */
function table(edit: (dependency: TomlTable, whole: TomlTable) => void = () => {}): TomlTable {
  const dependency: TomlTable = {
    id: 'watchexec',
    version: '2.5.1',
    uri: 'https://example.test/w.tar.xz',
    checksum: `sha256:${'a'.repeat(64)}`,
    arch: 'amd64',
    os: 'linux',
  };
  const whole: TomlTable = {
    buildpack: { id: 'livereload/watchexec', version: '0.1.0' },
    metadata: { dependencies: [dependency], 'default-versions': { watchexec: '2.5.1' } },
  };
  edit(dependency, whole);
  return whole;
}

function descriptorError(t: TomlTable): BuildpackError {
  try {
    parseBuildpackToml(t, '/cnb/buildpack.toml');
  } catch (error) {
    expect(error).toBeInstanceOf(BuildpackError);
    expect((error as BuildpackError).kind).toBe('buildpack-toml');
    return error as BuildpackError;
  }
  throw new Error('expected a BuildpackError, nothing was thrown');
}

describe('parseBuildpackToml', () => {
  it('fills in optional fields: name from id, no purl/cpes/licenses/source, no stripping', () => {
    expect(parseBuildpackToml(table(), 'b.toml')).toEqual({
      id: 'livereload/watchexec',
      name: 'livereload/watchexec',
      version: '0.1.0',
      defaultVersions: { watchexec: '2.5.1' },
      dependencies: [
        {
          id: 'watchexec',
          name: 'watchexec',
          version: '2.5.1',
          uri: 'https://example.test/w.tar.xz',
          sha256: 'a'.repeat(64),
          arch: 'amd64',
          os: 'linux',
          purl: '',
          cpes: [],
          licenses: [],
          source: '',
          sourceSha256: '',
          stripComponents: 0,
        },
      ],
    });
  });

  it('a buildpack without [metadata] has no dependencies', () => {
    expect(parseBuildpackToml({ buildpack: { id: 'x', version: '1' } }, 'b.toml')).toEqual({
      id: 'x',
      name: 'x',
      version: '1',
      dependencies: [],
      defaultVersions: {},
    });
  });

  const D = '/cnb/buildpack.toml: [[metadata.dependencies]] #1';
  it.each<[string, TomlTable, string]>([
    ['no [buildpack]', { metadata: {} }, '/cnb/buildpack.toml: missing [buildpack] table'],
    ['a numeric id', table((_, w) => ((w.buildpack as TomlTable).id = 1)), '/cnb/buildpack.toml: [buildpack] id must be a string'],
    ['no version', table((_, w) => delete (w.buildpack as TomlTable).version), '/cnb/buildpack.toml: [buildpack] version must be a string'],
    ['dependencies not an array', table((_, w) => ((w.metadata as TomlTable).dependencies = { id: 'x' })), '/cnb/buildpack.toml: [metadata] dependencies must be an array of tables'],
    ['a dependency that is not a table', table((_, w) => ((w.metadata as TomlTable).dependencies = ['watchexec'])), `${D} is not a table`],
    ['no version', table((d) => delete d.version), `${D}: "version" must be a non-empty string`],
    ['a version that is not semver', table((d) => (d.version = '2.5')), `${D}: version "2.5" is not a semver version`],
    ['no checksum', table((d) => delete d.checksum), `${D}: "checksum" must be a non-empty string`],
    ['a bare hex checksum', table((d) => (d.checksum = 'a'.repeat(64))), `${D}: checksum must be "sha256:" followed by 64 lowercase hex digits`],
    ['an uppercase checksum', table((d) => (d.checksum = `sha256:${'A'.repeat(64)}`)), `${D}: checksum must be "sha256:" followed by 64 lowercase hex digits`],
    ['a short checksum', table((d) => (d.checksum = `sha256:${'a'.repeat(63)}`)), `${D}: checksum must be "sha256:" followed by 64 lowercase hex digits`],
    ['a sha512 checksum', table((d) => (d.checksum = `sha512:${'a'.repeat(64)}`)), `${D}: checksum must be "sha256:" followed by 64 lowercase hex digits`],
    ['arch x86_64', table((d) => (d.arch = 'x86_64')), `${D}: arch must be amd64 or arm64, not "x86_64"`],
    ['no uri', table((d) => delete d.uri), `${D}: "uri" must be a non-empty string`],
    ['an empty os', table((d) => (d.os = '')), `${D}: "os" must be a non-empty string`],
    ['a numeric name', table((d) => (d.name = 5)), `${D}: "name" must be a non-empty string`],
    ['negative strip-components', table((d) => (d['strip-components'] = -1)), `${D}: strip-components must be a non-negative integer`],
    ['fractional strip-components', table((d) => (d['strip-components'] = 1.5)), `${D}: strip-components must be a non-negative integer`],
    ['string strip-components', table((d) => (d['strip-components'] = '1')), `${D}: strip-components must be a non-negative integer`],
    ['cpes not strings', table((d) => (d.cpes = [1])), `${D}: "cpes" must be an array of strings`],
    ['licenses as a string', table((d) => (d.licenses = 'MIT')), `${D}: "licenses" must be an array of strings`],
    ['default-versions not a table', table((_, w) => ((w.metadata as TomlTable)['default-versions'] = '2.5.1')), '/cnb/buildpack.toml: [metadata.default-versions] must map dependency ids to version strings'],
    ['a numeric default version', table((_, w) => ((w.metadata as TomlTable)['default-versions'] = { watchexec: 2 })), '/cnb/buildpack.toml: [metadata.default-versions] must map dependency ids to version strings'],
  ])('refuses %s', (_, t, message) => {
    expect(descriptorError(t).message).toBe(message);
  });

  it('names the dependency by its position', () => {
    const t = table((d, w) => {
      (w.metadata as TomlTable).dependencies = [d, { ...d, arch: 'arm64' }, { ...d, arch: 'riscv64' }];
    });
    expect(descriptorError(t).message).toBe('/cnb/buildpack.toml: [[metadata.dependencies]] #3: arch must be amd64 or arm64, not "riscv64"');
  });

  it('reads a valid source-checksum', () => {
    const t = table((d) => (d['source-checksum'] = `sha256:${'b'.repeat(64)}`));
    expect(parseBuildpackToml(t, 'b.toml').dependencies[0]!.sourceSha256).toBe('b'.repeat(64));
  });

  it('refuses a malformed source-checksum', () => {
    const t = table((d) => (d['source-checksum'] = 'md5:1234'));
    expect(descriptorError(t).message).toContain('source-checksum');
  });
});
