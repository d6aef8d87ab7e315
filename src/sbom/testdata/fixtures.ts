// Shared inputs of the SBOM unit tests.
import type { Dependency } from '../../cnb/buildpack-toml';
import type { BundleManifest } from '../components';
import { syncHelperLayerSbom, watchexecLayerSbom } from '../layers';

export const BUILDPACK = { id: 'livereload/watchexec', version: '0.1.0', homepage: 'https://github.com/livereload-buildpacks/watchexec' };
export const LAYERS = '/layers/livereload_watchexec';

export const WATCHEXEC: Dependency = {
  id: 'watchexec',
  name: 'watchexec',
  version: '2.5.1',
  uri: 'https://github.com/watchexec/watchexec/releases/download/v2.5.1/watchexec-2.5.1-x86_64-unknown-linux-musl.tar.xz',
  sha256: '9efabd08de720c1ee7e57b487fe11904f0966828e76146e2b5ea5deee90626be',
  arch: 'amd64',
  os: 'linux',
  purl: 'pkg:generic/watchexec@2.5.1?arch=amd64',
  cpes: ['cpe:2.3:a:watchexec:watchexec:2.5.1:*:*:*:*:*:*:*'],
  licenses: ['Apache-2.0'],
  source: 'https://github.com/watchexec/watchexec/archive/refs/tags/v2.5.1.tar.gz',
  sourceSha256: 'e54683eae585c7d3e47054eba9ff9e1e2327cdb3b705df0f96a9e66a0781ec5f',
  stripComponents: 1,
};

export const MANIFEST: BundleManifest = {
  node: { version: '24.21.0', license: 'MIT' },
  packages: [
    { name: 'undici', version: '7.30.2', licenses: ['MIT'], homepage: 'https://undici.nodejs.org', integrity: `sha512-${Buffer.alloc(64, 1).toString('base64')}` },
    { name: 'semver', version: '7.8.6', licenses: ['ISC'], resolved: 'https://registry.example.test/semver/-/semver-7.8.6.tgz', integrity: `sha512-${Buffer.alloc(64, 2).toString('base64')}` },
    { name: '@scope/dual', version: '1.0.0', licenses: ['(MIT OR Apache-2.0)'] },
  ],
};

export const watchexecDoc = () => watchexecLayerSbom(BUILDPACK, `${LAYERS}/watchexec`, WATCHEXEC);
export const helperDoc = () => syncHelperLayerSbom(BUILDPACK, `${LAYERS}/sync-helper`, `${LAYERS}/sync-helper/bin/livereload`, MANIFEST);
