import { describe, expect, it } from 'vitest';
import type { Dependency } from '../cnb/buildpack-toml';
import { BuildpackError } from '../errors';
import { resolveDependency, type ResolveInput } from './resolve';

function dep(version: string, arch: string, os = 'linux', id = 'watchexec'): Dependency {
  return {
    id,
    name: id,
    version,
    uri: `https://example.test/${id}-${version}-${os}-${arch}.tar.xz`,
    sha256: `${version}-${arch}`.padEnd(64, '0'),
    arch,
    os,
    purl: '',
    cpes: [],
    licenses: [],
    source: '',
    sourceSha256: '',
    stripComponents: 1,
  };
}

// Deliberately not sorted: resolution must not depend on buildpack.toml's order.
const DEPENDENCIES = [
  dep('2.4.1', 'amd64'),
  dep('2.5.1', 'amd64'),
  dep('2.5.0', 'amd64'),
  dep('2.5.1', 'arm64'),
  dep('2.4.1', 'arm64'),
  dep('1.25.1', 'amd64'),
  dep('9.9.9', 'amd64', 'linux', 'other-tool'),
  dep('2.6.1', 'amd64', 'windows'),
];

const input = (over: Partial<ResolveInput>): ResolveInput => ({
  id: 'watchexec',
  dependencies: DEPENDENCIES,
  os: 'linux',
  arch: 'amd64',
  override: undefined,
  requested: [],
  defaultVersion: undefined,
  ...over,
});

function dependencyError(over: Partial<ResolveInput>): BuildpackError {
  try {
    resolveDependency(input(over));
  } catch (error) {
    expect(error).toBeInstanceOf(BuildpackError);
    expect((error as BuildpackError).kind).toBe('dependency');
    return error as BuildpackError;
  }
  throw new Error('expected a BuildpackError, nothing was thrown');
}

describe('resolveDependency', () => {
  it.each([
    ['amd64', '2.5.1'],
    ['arm64', '2.5.1'],
  ])('without any constraint picks the newest for linux/%s', (arch, version) => {
    const { dependency, reason } = resolveDependency(input({ arch }));
    expect(dependency).toBe(DEPENDENCIES.find((d) => d.version === version && d.arch === arch && d.os === 'linux'));
    expect(reason).toBe('newest available');
  });

  it('ignores other dependency ids and other operating systems', () => {
    // 9.9.9 is another id and 2.6.1 is for windows: neither may be picked for watchexec on linux.
    expect(dependencyError({ requested: [{ range: '>=2.6', source: 'x' }] }).message).toBe(
      'no watchexec version satisfies >=2.6 (x); versions available for linux/amd64: 2.5.1, 2.5.0, 2.4.1, 1.25.1',
    );
  });

  it('uses default-versions when nobody asked for a version', () => {
    const { dependency, reason } = resolveDependency(input({ defaultVersion: '2.5.0' }));
    expect(dependency.version).toBe('2.5.0');
    expect(reason).toBe('default-versions in buildpack.toml asks for 2.5.0');
  });

  it('a plan constraint beats default-versions', () => {
    const { dependency, reason } = resolveDependency(
      input({ defaultVersion: '2.5.0', requested: [{ range: '2.4.*', source: 'paketo-buildpacks/go-build' }] }),
    );
    expect(dependency.version).toBe('2.4.1');
    expect(reason).toBe('paketo-buildpacks/go-build asks for 2.4.*');
  });

  it('BP_WATCHEXEC_VERSION beats the plan constraints and default-versions', () => {
    const { dependency, reason } = resolveDependency(
      input({
        defaultVersion: '2.5.1',
        requested: [{ range: '2.5.*', source: 'a requiring buildpack' }],
        override: { range: '2.4', source: 'BP_WATCHEXEC_VERSION' },
      }),
    );
    expect(dependency.version).toBe('2.4.1');
    expect(reason).toBe('BP_WATCHEXEC_VERSION asks for 2.4');
  });

  it('several plan constraints must all hold: the newest in their intersection', () => {
    const { dependency, reason } = resolveDependency(
      input({
        requested: [
          { range: '>=2.4', source: 'buildpack A' },
          { range: '<2.5.1', source: 'buildpack B' },
        ],
      }),
    );
    expect(dependency.version).toBe('2.5.0');
    expect(reason).toBe('buildpack A asks for >=2.4; buildpack B asks for <2.5.1');
  });

  it('picks the dependency of the right arch for the chosen version', () => {
    const { dependency } = resolveDependency(input({ arch: 'arm64', override: { range: '2.4.1', source: 'BP_WATCHEXEC_VERSION' } }));
    expect(dependency).toEqual(dep('2.4.1', 'arm64'));
  });

  it('an empty intersection is an error listing what was asked and the versions for this arch, newest first', () => {
    const error = dependencyError({
      requested: [
        { range: '2.4.*', source: 'buildpack A' },
        { range: '2.5.*', source: 'buildpack B' },
      ],
    });
    expect(error.message).toBe(
      'no watchexec version satisfies 2.4.* (buildpack A) and 2.5.* (buildpack B); versions available for linux/amd64: 2.5.1, 2.5.0, 2.4.1, 1.25.1',
    );
  });

  it('lists only the versions built for the requested arch', () => {
    const error = dependencyError({ arch: 'arm64', override: { range: '2.5.0', source: 'BP_WATCHEXEC_VERSION' } });
    expect(error.message).toBe(
      'no watchexec version satisfies 2.5.0 (BP_WATCHEXEC_VERSION); versions available for linux/arm64: 2.5.1, 2.4.1',
    );
  });

  it('a default version that is not shipped is an error naming default-versions', () => {
    expect(dependencyError({ defaultVersion: '3.0.0' }).message).toBe(
      'no watchexec version satisfies 3.0.0 (default-versions in buildpack.toml); versions available for linux/amd64: 2.5.1, 2.5.0, 2.4.1, 1.25.1',
    );
  });

  it.each([
    ['linux', 'riscv64', 'no watchexec is available for linux/riscv64; buildpack.toml lists it for: linux/amd64, linux/arm64, windows/amd64'],
    ['darwin', 'arm64', 'no watchexec is available for darwin/arm64; buildpack.toml lists it for: linux/amd64, linux/arm64, windows/amd64'],
  ])('%s/%s is an unknown target', (os, arch, message) => {
    expect(dependencyError({ os, arch }).message).toBe(message);
  });

  it('says so when the id has no dependency at all', () => {
    expect(dependencyError({ id: 'nope' }).message).toBe('no nope is available for linux/amd64; buildpack.toml lists it for: no target at all');
  });
});
