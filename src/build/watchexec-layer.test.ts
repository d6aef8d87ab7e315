import { describe, expect, it } from 'vitest';
import type { Dependency } from '../cnb/buildpack-toml';
import { canReuse, LAYER_NAME, layerMetadataFor } from './watchexec-layer';

const SHA = '9efabd08de720c1ee7e57b487fe11904f0966828e76146e2b5ea5deee90626be';
const dependency: Dependency = {
  id: 'watchexec',
  name: 'watchexec',
  version: '2.5.1',
  uri: 'https://github.com/watchexec/watchexec/releases/download/v2.5.1/watchexec-2.5.1-x86_64-unknown-linux-musl.tar.xz',
  sha256: SHA,
  arch: 'amd64',
  os: 'linux',
  purl: '',
  cpes: [],
  licenses: [],
  source: '',
  sourceSha256: '',
  stripComponents: 1,
};
const same = layerMetadataFor(dependency);
const LAUNCH = { launch: true, build: false, cache: false };
const BUILD = { launch: false, build: true, cache: true };
const BOTH = { launch: true, build: true, cache: true };

describe('layerMetadataFor', () => {
  it('records version, checksum, uri and arch', () => {
    expect(LAYER_NAME).toBe('watchexec');
    expect(same).toEqual({ version: '2.5.1', checksum: `sha256:${SHA}`, uri: dependency.uri, arch: 'amd64' });
  });
});

describe('canReuse', () => {
  it.each([
    ['same checksum, launch only, no contents -> reuse', same, LAUNCH, false, true],
    ['same checksum, launch only, with contents -> reuse', same, LAUNCH, true, true],
    ['same checksum, build layer with the binary -> reuse', same, BUILD, true, true],
    ['same checksum, build layer without the binary -> install', same, BUILD, false, false],
    ['same checksum, launch+build without the binary -> install', same, BOTH, false, false],
    ['same checksum, launch+build with the binary -> reuse', same, BOTH, true, true],
    ['nothing restored -> install', undefined, LAUNCH, true, false],
    ['restored without a checksum -> install', { version: '2.5.1' }, LAUNCH, true, false],
    ['a different checksum -> install', { ...same, checksum: `sha256:${'0'.repeat(64)}` }, LAUNCH, true, false],
    ['a bare checksum without the sha256: prefix -> install', { ...same, checksum: SHA }, LAUNCH, true, false],
    ['same checksum, other version label -> reuse', { ...same, version: '2.5.0' }, LAUNCH, false, true],
  ])('%s', (_, restored, types, binaryPresent, expected) => {
    expect(canReuse(restored, dependency, types, binaryPresent)).toBe(expected);
  });
});
